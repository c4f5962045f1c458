/**
 * Framing after Set Compression: each frame body is `VarInt dataLength` + payload, where
 * dataLength 0 means "payload is the raw packet" and anything else is the inflated size of a
 * zlib payload. Inflation is bounded by the claimed size (itself capped at 8 MiB, vanilla's
 * limit), so a decompression bomb stops at the cap instead of filling memory.
 */
import { deflateSync, inflateSync } from 'node:zlib';
import { InfrarustError } from '../errors.ts';
import { readVarInt, varIntSize, writeVarIntInto } from './varint.ts';
import { MAX_FRAME_LENGTH } from './packet-writer.ts';

/** Vanilla's cap on a decompressed packet (CompressionDecoder.MAXIMUM_UNCOMPRESSED_LENGTH). */
export const MAX_DECOMPRESSED = 8 * 1024 * 1024;

function invalid(message: string, cause?: unknown): InfrarustError {
  return new InfrarustError('IR_ERR_PROTO_COMPRESSION_INVALID', message, { cause });
}

/**
 * Turns one compressed-framing packet (frame without its outer length) into id + body.
 * `validate` mirrors vanilla: servers refuse compressed packets whose size is under the threshold
 * ("badly compressed"), clients do not; pass false for packets coming from a backend.
 * Uncompressed packets (dataLength 0) are accepted at any size, as vanilla and Velocity do.
 */
export function decodeCompressed(packet: Buffer, threshold: number, validate = true): Buffer {
  const head = readVarInt(packet, 0);
  if (head === null) throw invalid('compressed frame ended inside its data length');
  const claimed = head.value;
  const payload = packet.subarray(head.size);
  if (claimed === 0) return payload;
  if (claimed < 0) throw invalid(`negative decompressed length ${claimed}`);
  if (claimed > MAX_DECOMPRESSED) {
    throw new InfrarustError(
      'IR_ERR_PROTO_DECOMPRESSED_TOO_BIG',
      `packet claims ${claimed} bytes once inflated, over the ${MAX_DECOMPRESSED}-byte limit`,
    );
  }
  if (validate && claimed < threshold) {
    throw invalid(`badly compressed packet: size ${claimed} is below the threshold ${threshold}`);
  }
  const out = inflateBounded(payload, claimed);
  if (out.length !== claimed) {
    throw invalid(`packet inflated to ${out.length} bytes but claimed ${claimed}`);
  }
  return out;
}

function inflateBounded(payload: Buffer, limit: number): Buffer {
  try {
    return inflateSync(payload, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new InfrarustError(
        'IR_ERR_PROTO_DECOMPRESSED_TOO_BIG',
        `packet inflates past its claimed ${limit} bytes`,
        { cause: err },
      );
    }
    throw invalid('packet payload is not valid zlib data', err);
  }
}

/**
 * A full compressed-framing frame for `packet` (id + body): outer length, dataLength, payload.
 * Packets of `threshold` bytes or more are deflated (vanilla's rule), smaller ones sent with dataLength 0.
 */
export function encodeCompressed(packet: Uint8Array, threshold: number): Buffer {
  const compress = threshold >= 0 && packet.length >= threshold;
  const payload = compress ? deflateSync(packet) : packet;
  const dataLength = compress ? packet.length : 0;
  const inner = varIntSize(dataLength) + payload.length;
  if (inner > MAX_FRAME_LENGTH) {
    throw new InfrarustError(
      'IR_ERR_PROTO_FRAME_TOO_BIG',
      `cannot send a ${inner}-byte compressed frame: the protocol limit is ${MAX_FRAME_LENGTH} bytes`,
    );
  }
  const out = Buffer.allocUnsafe(varIntSize(inner) + inner);
  let pos = writeVarIntInto(out, 0, inner);
  pos = writeVarIntInto(out, pos, dataLength);
  out.set(payload, pos);
  return out;
}
