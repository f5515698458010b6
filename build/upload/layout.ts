// Splits the payload into commands that each fit the length limit, with as few commands as it can.
// Sizes are planned with a total of 9, 99, 999... (the widest status lines of that many digits);
// the real total is then no wider, so every command only gets shorter when it is written out.
import type { Compress } from './encode.js';
import { cksum } from './encode.js';
import { chunkCommand, helperFinalCommand, inlineFinalCommand, assemblyProgram, type Frame, type Piece } from './shell.js';
import { shQuote } from './quote.js';

/** Length a command costs: UTF-16 units (what MCP servers count) or bytes (what the kernel counts). */
export function cost(cmd: string): number {
  return Math.max(cmd.length, Buffer.byteLength(cmd));
}

interface LayoutInput {
  dir: string;
  b64: string;
  sha256: string;
  remotePath: string;
  limit: number;
  compress: Compress;
}

/** A data piece (base64 needs no quoting) or a text piece (single-quoted), with its cksum. */
const dataPiece = (text: string): Piece => ({ word: text, sum: cksum(text) });
const textPiece = (text: string): Piece => ({ word: shQuote(text), sum: cksum(text) });

/** The widest cksum line of a piece of up to `len` characters: planning uses it for every piece. */
const widestPiece = (len: number): Piece => ({ word: '', sum: `4294967295 ${len}` });

/** Room for data in chunk `i` of `total`; below 1 when even an empty chunk does not fit. */
function chunkRoom(inp: LayoutInput, i: number, total: number): number {
  const base = inp.limit - cost(chunkCommand({ dir: inp.dir, total }, i, widestPiece(inp.limit)));
  return base;
}

function assembly(inp: LayoutInput, chunks: number) {
  return { chunks, sha256: inp.sha256, remotePath: inp.remotePath, compress: inp.compress };
}

/** Splits `text` into single-quoted words, word k at most `room(k)` characters long. */
function quotedPieces(text: string, room: (k: number) => number): string[] | undefined {
  const out: string[] = [];
  let at = 0;
  while (at < text.length) {
    const max = room(out.length);
    let end = at;
    while (end < text.length && cost(shQuote(text.slice(at, end + 1))) <= max) end++;
    if (end === at) return undefined;
    out.push(text.slice(at, end));
    at = end;
  }
  return out;
}

/** The assembly program inside the final command, which also carries the last data. */
function inlineLayout(inp: LayoutInput, wide: number): string[] | undefined {
  const finalRoom = inp.limit - cost(inlineFinalCommand({ dir: inp.dir, total: wide }, assembly(inp, wide), widestPiece(inp.limit)));
  if (finalRoom < 1) return undefined;
  const front: string[] = [];
  let at = 0;
  while (inp.b64.length - at > finalRoom) {
    const room = chunkRoom(inp, front.length + 1, wide);
    if (room < 1 || front.length + 1 >= wide) return undefined;
    front.push(inp.b64.slice(at, at + room));
    at += room;
  }
  const f: Frame = { dir: inp.dir, total: front.length + 1 };
  return [
    ...front.map((p, i) => chunkCommand(f, i + 1, dataPiece(p))),
    inlineFinalCommand(f, assembly(inp, f.total), dataPiece(inp.b64.slice(at))),
  ];
}

/** For small limits: data chunks, the assembly program as helper chunks, then `sh h`. */
function helperLayout(inp: LayoutInput, wide: number): string[] | undefined {
  const data: string[] = [];
  for (let at = 0; at < inp.b64.length || data.length === 0; ) {
    const room = chunkRoom(inp, data.length + 1, wide);
    if (room < 1 || data.length + 1 >= wide) return undefined;
    data.push(inp.b64.slice(at, at + room));
    at += room;
  }
  const n = data.length;
  const prog = assemblyProgram({ dir: inp.dir, total: wide }, assembly(inp, n));
  const pieces = quotedPieces(prog, (k) => chunkRoom(inp, n + 1 + k, wide));
  if (pieces === undefined || n + pieces.length + 1 > wide) return undefined;
  const f: Frame = { dir: inp.dir, total: n + pieces.length + 1 };
  const fin = helperFinalCommand(f, n + 1, n + pieces.length);
  if (cost(fin) > inp.limit) return undefined;
  return [
    ...data.map((p, i) => chunkCommand(f, i + 1, dataPiece(p))),
    ...pieces.map((w, k) => chunkCommand(f, n + 1 + k, textPiece(w))),
    fin,
  ];
}

/** The commands in sending order; throws when the limit is too small for any layout. */
export function layout(inp: LayoutInput): string[] {
  for (const plan of [inlineLayout, helperLayout]) {
    for (let wide = 9; wide < 1e9; wide = wide * 10 + 9) {
      const cmds = plan(inp, wide);
      if (cmds !== undefined) return cmds;
      if (chunkRoom(inp, 1, wide) < 1) break;
    }
  }
  throw new Error(`--max-chars ${inp.limit} is too small for these upload commands (about 320 is the least)`);
}
