import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { realpathSync, statSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BinaryNotFoundError, HarnessError } from '../../errors.ts';
import { onInterrupt } from '../shutdown-hooks.ts';
import { DockerUnavailableError } from './docker-engine.ts';
import { resolveNatsServerBinary } from '../process/nats-binary.ts';
import { LOCAL_IMAGE_LABEL, LOCAL_NATS_IMAGE, LOCAL_TOXIPROXY_IMAGE } from './images.ts';

/**
 * `npm run images`: builds the local images from the host's own binaries, for machines that
 * can pull nothing. Each image is `FROM scratch` plus a staged root filesystem holding one
 * program and the shared libraries `ldd` names, so nothing is ever fetched.
 */

/** Holds a hash of what went into an image, so an unchanged image is not built again. */
const INPUTS_LABEL = 'org.nats-chaos.inputs';
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Staging or `docker build` of one image failed. */
export class ImageBuildError extends HarnessError {
  readonly code = 'IMAGE_BUILD_FAILED';
  constructor(
    readonly image: string,
    problem: string,
  ) {
    super(`cannot build ${image}: ${problem}`);
    this.name = 'ImageBuildError';
  }
}

/** A host file and the path it gets in the image. */
type StagedFile = { from: string; to: string };

/** What one image is made of. */
interface ImageRecipe {
  image: string;
  /** Host files and where they go in the image; shared libraries are added from `ldd`. */
  programs: StagedFile[];
  /** Files made here rather than copied, such as the Toxiproxy bundle. */
  generated: { to: string; contents: string }[];
  /** Empty directories the program needs, with their modes. */
  dirs: { path: string; mode: number }[];
  dockerfile: string;
  /** Said when the image is built, such as the version of the program inside. */
  describe: string;
}

/** What `buildImages` did for one image. */
export interface BuiltImage {
  image: string;
  /** False when an image built from the same inputs was already there. */
  built: boolean;
  sizeBytes: number;
  describe: string;
}

/**
 * Builds both local images, skipping one whose inputs (binaries, libraries, bundle, recipe)
 * are those it was built from, unless `force`. Throws DockerUnavailableError without Docker.
 */
export async function buildImages(options: { force?: boolean } = {}): Promise<BuiltImage[]> {
  checkDocker();
  const recipes = [natsRecipe(), await toxiproxyRecipe()];
  const results: BuiltImage[] = [];
  for (const recipe of recipes) results.push(await buildImage(recipe, options.force ?? false));
  return results;
}

function natsRecipe(): ImageRecipe {
  const { path, version } = resolveNatsServerBinary();
  return {
    image: LOCAL_NATS_IMAGE,
    programs: [{ from: absoluteProgram(path), to: '/usr/local/bin/nats-server' }],
    generated: [],
    // JetStream needs a writable store (/data, where the backend mounts one) and Go's
    // os.TempDir is /tmp; /etc/nats is where the backend mounts configs.
    dirs: [
      { path: '/tmp', mode: 0o1777 },
      { path: '/data', mode: 0o755 },
      { path: '/etc/nats', mode: 0o755 },
    ],
    dockerfile: dockerfile([4222, 6222, 7222, 8222], ['/usr/local/bin/nats-server']),
    describe: `nats-server ${version}`,
  };
}

/**
 * The entry of the Toxiproxy bundle: the same server `nats-chaos toxiproxy` runs, without
 * the rest of the CLI (which would drag in the NATS client and testcontainers). It exits
 * once the server has closed, so that `docker stop` returns at once; the server itself stops
 * on SIGTERM, which matters because a signal without a handler does nothing to PID 1.
 */
const TOXIPROXY_ENTRY = `
import { parseServerFlags } from './harness/faults/toxiproxy/server-flags.ts';
import { runToxiproxyCommand } from './harness/faults/toxiproxy/standalone.ts';

try {
  await runToxiproxyCommand(parseServerFlags(process.argv.slice(2)));
  process.exit(0);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exit(2);
}
`;

const REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

async function toxiproxyRecipe(): Promise<ImageRecipe> {
  const bundle = await build({
    stdin: { contents: TOXIPROXY_ENTRY, resolveDir: REPO_ROOT, loader: 'ts' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
    // `debug` is CommonJS and requires Node's own modules; an ESM bundle has no `require`.
    banner: { js: REQUIRE_SHIM },
  }).catch((err: Error) => {
    throw new ImageBuildError(LOCAL_TOXIPROXY_IMAGE, `bundling the server: ${err.message}`);
  });
  return {
    image: LOCAL_TOXIPROXY_IMAGE,
    programs: [{ from: realpathSync(process.execPath), to: '/usr/local/bin/node' }],
    generated: [{ to: '/app/toxiproxy.mjs', contents: bundle.outputFiles[0]!.text }],
    dirs: [{ path: '/tmp', mode: 0o1777 }],
    // As the official image: the server is the entrypoint, `-host=0.0.0.0` the default
    // command, so a compose file's `command: [-host=0.0.0.0, -config=...]` fits both.
    dockerfile: dockerfile(
      [8474],
      ['/usr/local/bin/node', '/app/toxiproxy.mjs'],
      ['-host=0.0.0.0'],
    ),
    describe: `node ${process.version}`,
  };
}

/** The image is the staged rootfs and nothing else, so building it never pulls anything. */
function dockerfile(ports: number[], entrypoint: string[], cmd?: string[]): string {
  const lines = ['FROM scratch', 'COPY rootfs /', `EXPOSE ${ports.join(' ')}`];
  lines.push(`ENTRYPOINT ${JSON.stringify(entrypoint)}`);
  if (cmd) lines.push(`CMD ${JSON.stringify(cmd)}`);
  return lines.join('\n');
}

async function buildImage(recipe: ImageRecipe, force: boolean): Promise<BuiltImage> {
  const files = recipe.programs.flatMap((p) => [p, ...sharedLibraries(recipe.image, p.from)]);
  const inputs = inputHash(recipe, files);
  const existing = inspectImage(recipe.image);
  const { image, describe } = recipe;
  if (!force && existing?.inputs === inputs) {
    return { image, built: false, sizeBytes: existing.size, describe };
  }

  const staging = await mkdtemp(join(tmpdir(), 'nats-chaos-image-'));
  const removeStaging = () => rm(staging, { recursive: true, force: true });
  const unregister = onInterrupt(removeStaging);
  try {
    await stage(staging, recipe, files);
    const labels = [`${LOCAL_IMAGE_LABEL}=local`, `${INPUTS_LABEL}=${inputs}`];
    const labelArgs = labels.flatMap((label) => ['--label', label]);
    const result = docker(['build', '--pull=false', ...labelArgs, '-t', image, staging]);
    if (result.status !== 0) throw new ImageBuildError(image, result.output);
  } finally {
    unregister();
    await removeStaging();
  }

  const built = inspectImage(image);
  if (!built) throw new ImageBuildError(image, 'docker build succeeded but tagged no image');
  // The image it replaces would linger untagged; one a container still uses stays, harmlessly.
  if (existing && existing.id !== built.id) docker(['image', 'rm', existing.id]);
  return { image, built: true, sizeBytes: built.size, describe };
}

/** Writes the build context: the Dockerfile, and the image's files under `rootfs/`. */
async function stage(staging: string, recipe: ImageRecipe, files: StagedFile[]): Promise<void> {
  const rootfs = join(staging, 'rootfs');
  const place = (to: string) => mkdir(join(rootfs, dirname(to)), { recursive: true });
  for (const dir of recipe.dirs) {
    await mkdir(join(rootfs, dir.path), { recursive: true });
    await chmod(join(rootfs, dir.path), dir.mode); // mkdir's mode is cut by the umask
  }
  for (const file of files) {
    await place(file.to);
    await copyFile(file.from, join(rootfs, file.to)); // follows symlinks: the loader is one
  }
  for (const file of recipe.generated) {
    await place(file.to);
    await writeFile(join(rootfs, file.to), file.contents);
  }
  await writeFile(join(staging, 'Dockerfile'), `${recipe.dockerfile}\n`);
}

/** The shared libraries (and the dynamic loader) a binary loads, each at its own path. */
function sharedLibraries(image: string, binary: string): StagedFile[] {
  const result = spawnSync('ldd', [binary], { encoding: 'utf8' });
  if (result.error) {
    throw new ImageBuildError(image, `cannot run ldd (${result.error.message}); install libc-bin`);
  }
  const output = `${result.stdout}${result.stderr}`;
  // A static binary (such as an official nats-server release) needs no libraries at all.
  if (result.status !== 0) {
    if (/not a dynamic executable|statically linked/.test(output)) return [];
    throw new ImageBuildError(image, `ldd ${binary}: ${output.trim()}`);
  }
  const missing = output.match(/^\s*\S+(?= => not found)/gm)?.map((name) => name.trim());
  if (missing) throw new ImageBuildError(image, `${binary} needs missing ${missing.join(', ')}`);
  // `libc.so.6 => /path (0x..)`, or `/path (0x..)` for the loader; the vDSO has no path.
  const lines = output.matchAll(/^\s*(?:\S+ => )?(\/\S+) \(0x[0-9a-f]+\)$/gm);
  return [...new Set([...lines].map((m) => m[1]!))].map((path) => ({ from: path, to: path }));
}

/** A hash of what the image is made of: paths, sizes and mtimes of files, and what is made here. */
function inputHash(recipe: ImageRecipe, files: StagedFile[]): string {
  const hash = createHash('sha256').update(recipe.dockerfile);
  for (const dir of recipe.dirs) hash.update(`dir ${dir.path} ${dir.mode}\n`);
  for (const file of files) {
    const stat = statSync(file.from);
    hash.update(`file ${file.from} ${file.to} ${stat.size} ${stat.mtimeMs}\n`);
  }
  for (const file of recipe.generated) hash.update(`generated ${file.to}\n`).update(file.contents);
  return hash.digest('hex').slice(0, 16);
}

function inspectImage(image: string): { id: string; size: number; inputs?: string } | undefined {
  const result = docker(['image', 'inspect', '--format', '{{json .}}', image]);
  if (result.status !== 0) return undefined;
  const info = JSON.parse(result.output) as {
    Id: string;
    Size: number;
    Config?: { Labels?: Record<string, string> | null };
  };
  return { id: info.Id, size: info.Size, inputs: info.Config?.Labels?.[INPUTS_LABEL] };
}

function checkDocker(): void {
  const result = docker(['info', '--format', '{{.ServerVersion}}']);
  if (result.status === 0) return;
  throw new DockerUnavailableError(
    result.output.split('\n')[0] || 'docker info failed',
    'building images',
    'then run `npm run images` again',
  );
}

function docker(args: string[]): { status: number; output: string } {
  const result = spawnSync('docker', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) return { status: -1, output: `cannot run docker: ${result.error.message}` };
  return { status: result.status ?? -1, output: `${result.stdout}${result.stderr}`.trim() };
}

/** The real path of a program given by path or found on PATH, as a shell would find it. */
function absoluteProgram(program: string): string {
  if (program.includes('/')) return realpathSync(resolve(program));
  const found = (process.env['PATH'] ?? '')
    .split(':')
    .map((dir) => join(dir || '.', program))
    .find((candidate) => statSync(candidate, { throwIfNoEntry: false })?.isFile());
  if (found) return realpathSync(found);
  throw new BinaryNotFoundError(program, 'it is not on PATH; set NATS_SERVER_BIN to its path');
}

async function main(): Promise<void> {
  const force = process.argv.includes('--force');
  try {
    for (const result of await buildImages({ force })) {
      const size = `${(result.sizeBytes / 1e6).toFixed(1)} MB`;
      const what = result.built ? 'built' : 'up to date';
      console.log(`${what}: ${result.image} (${result.describe}, ${size})`);
    }
    const env = [
      `NATS_CHAOS_NATS_IMAGE=${LOCAL_NATS_IMAGE}`,
      `NATS_CHAOS_TOXIPROXY_IMAGE=${LOCAL_TOXIPROXY_IMAGE}`,
    ];
    console.log(`use them: ${env.join(' ')}`);
  } catch (err) {
    if (!(err instanceof HarnessError)) throw err;
    console.error(`${err.code}: ${err.message}`);
    process.exitCode = err.exitCode;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
