import { z } from 'zod';
import { fromZodError, InputError } from '../../core/errors.ts';
import type { Layer, Network } from './layers.ts';
import { analyzeNetwork } from './layers.ts';

/**
 * A user's own architecture as a JSON/YAML document (`mec profiles --arch my-net.json`): the
 * same shape as the built-in definitions of networks.ts. `blocks` (the default split points)
 * may be left out: every top-level layer before the output is then a candidate.
 */
const count = (what: string) => z.number({ error: `${what} must be a number` }).int({ error: `${what} must be an integer` }).positive({ error: `${what} must be > 0` });
const name = z.string().min(1);

const layerSchema: z.ZodType<Layer> = z.lazy(() => z.discriminatedUnion('type', [
  z.object({
    type: z.literal('conv'), name, outChannels: count('outChannels'), kernel: count('kernel'),
    stride: count('stride').optional(), padding: z.number().int().nonnegative().optional(),
    groups: count('groups').optional(), bias: z.boolean().optional(),
  }).strict(),
  z.object({
    type: z.enum(['maxpool', 'avgpool']), name, kernel: count('kernel'), stride: count('stride').optional(),
    padding: z.number().int().nonnegative().optional(), ceilMode: z.boolean().optional(),
  }).strict(),
  z.object({ type: z.literal('adaptiveavgpool'), name, outSize: count('outSize') }).strict(),
  z.object({ type: z.literal('flatten'), name }).strict(),
  z.object({ type: z.literal('linear'), name, outFeatures: count('outFeatures'), bias: z.boolean().optional() }).strict(),
  z.object({ type: z.literal('residual'), name, main: z.array(layerSchema), shortcut: z.array(layerSchema) }).strict(),
]));

export const networkSchema = z.object({
  name,
  description: z.string().optional(),
  source: z.string().optional(),
  input: z.object({ channels: count('channels'), height: count('height'), width: count('width') }).strict(),
  layers: z.array(layerSchema).min(2, { error: 'needs at least two layers (one split point and the output)' }),
  blocks: z.array(z.string()).optional(),
}).strict();

/** Validates an architecture document, checks that every shape fits, and fills the defaults. */
export function parseNetwork(raw: unknown, where = 'architecture'): Network {
  const parsed = networkSchema.safeParse(raw);
  if (!parsed.success) throw fromZodError(parsed.error, where);
  const d = parsed.data;
  const names = new Set<string>();
  d.layers.forEach((l, i) => {
    if (names.has(l.name)) throw new InputError(`duplicate layer name "${l.name}"`, `${where} layers[${i}].name`);
    names.add(l.name);
  });
  const net: Network = {
    name: d.name,
    description: d.description ?? d.name,
    source: d.source ?? 'user architecture',
    input: d.input,
    layers: d.layers,
    blocks: d.blocks ?? d.layers.slice(0, -1).filter((l) => l.type !== 'flatten').map((l) => l.name),
  };
  analyzeNetwork(net); // a shape that does not fit throws here, naming the layer
  return net;
}
