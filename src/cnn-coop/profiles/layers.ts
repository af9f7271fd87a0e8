import { InputError } from '../../core/errors.ts';

/**
 * A CNN as a list of layers, and the calculator that walks it: per layer the output tensor
 * shape, the multiply-accumulates (MACs) and the weight count. No weights are needed: shapes
 * alone fix both numbers.
 *
 * Conventions (the ones behind the published totals, e.g. VGG-16 15.5 G, ResNet-18 1.8 G):
 * a MAC is one multiply and one add of a convolution or fully connected layer; bias adds,
 * ReLU, pooling, residual adds and the global average pool are not counted (they are
 * elementwise or comparisons, a fraction of a percent of the total); BatchNorm is folded into
 * the preceding convolution at inference, so it is not listed as a layer at all.
 */
export interface Shape {
  channels: number;
  height: number;
  width: number;
}

export interface ConvLayer {
  type: 'conv';
  name: string;
  outChannels: number;
  kernel: number;
  stride?: number;
  padding?: number;
  /** 1 = dense; groups = input channels = a depthwise convolution. */
  groups?: number;
  /** Counts toward the weights only (default true). */
  bias?: boolean;
}

export interface PoolLayer {
  type: 'maxpool' | 'avgpool';
  name: string;
  kernel: number;
  stride?: number;
  padding?: number;
  /** PyTorch's ceil_mode: round the output size up instead of down. */
  ceilMode?: boolean;
}

/** torchvision's AdaptiveAvgPool2d: output outSize x outSize whatever the input (1 = global pool). */
export interface AdaptivePoolLayer {
  type: 'adaptiveavgpool';
  name: string;
  outSize: number;
}

export interface FlattenLayer {
  type: 'flatten';
  name: string;
}

export interface LinearLayer {
  type: 'linear';
  name: string;
  outFeatures: number;
  bias?: boolean;
}

/** y = main(x) + shortcut(x); an empty shortcut is the identity. Split points never fall inside. */
export interface ResidualBlock {
  type: 'residual';
  name: string;
  main: Layer[];
  shortcut: Layer[];
}

export type Layer = ConvLayer | PoolLayer | AdaptivePoolLayer | FlattenLayer | LinearLayer | ResidualBlock;

export interface Network {
  name: string;
  description: string;
  /** Where the architecture comes from (paper, torchvision class). */
  source: string;
  input: Shape;
  layers: Layer[];
  /**
   * Default split points: names of top-level layers at block boundaries (after a pooling stage,
   * a residual stage, ...). The last layer (the output) is never a split point.
   */
  blocks: string[];
}

export interface LayerRow {
  /** Path of the layer, e.g. "layer2.0/conv1" inside a residual block. */
  name: string;
  type: Layer['type'] | 'add';
  input: Shape;
  output: Shape;
  macs: number;
  params: number;
  /** Nesting: 0 for a top-level layer (a possible split point), 1 inside a residual block. */
  depth: number;
}

export const elements = (s: Shape): number => s.channels * s.height * s.width;

const sameShape = (a: Shape, b: Shape): boolean => a.channels === b.channels && a.height === b.height && a.width === b.width;

const fmt = (s: Shape): string => `${s.channels}x${s.height}x${s.width}`;

/** The output side of a convolution or pooling window (PyTorch's formula, dilation 1). */
export function windowOutput(size: number, kernel: number, stride: number, padding: number, ceilMode = false): number {
  const span = size + 2 * padding - kernel;
  if (span < 0) return 0;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  // PyTorch: with ceil_mode the last window must start inside the input or the left padding.
  if (ceilMode && (out - 1) * stride >= size + padding) out -= 1;
  return out;
}

/** One layer on an input shape: the rows it produces (one, or several for a residual block). */
function layerRows(layer: Layer, input: Shape, prefix: string, depth: number): LayerRow[] {
  const name = prefix + layer.name;
  const fail = (why: string): never => { throw new InputError(`${why} (input ${fmt(input)})`, `layer ${name}`); };
  switch (layer.type) {
    case 'conv': {
      const stride = layer.stride ?? 1;
      const padding = layer.padding ?? 0;
      const groups = layer.groups ?? 1;
      if (input.channels % groups !== 0 || layer.outChannels % groups !== 0) fail(`groups ${groups} must divide the input and output channels`);
      const output = {
        channels: layer.outChannels,
        height: windowOutput(input.height, layer.kernel, stride, padding),
        width: windowOutput(input.width, layer.kernel, stride, padding),
      };
      if (output.height < 1 || output.width < 1) fail('the kernel is larger than the padded input');
      const weightsPerOutput = (input.channels / groups) * layer.kernel * layer.kernel;
      return [{
        name, type: 'conv', input, output, depth,
        macs: elements(output) * weightsPerOutput,
        params: layer.outChannels * weightsPerOutput + (layer.bias === false ? 0 : layer.outChannels),
      }];
    }
    case 'maxpool':
    case 'avgpool': {
      const stride = layer.stride ?? layer.kernel;
      const padding = layer.padding ?? 0;
      const output = {
        channels: input.channels,
        height: windowOutput(input.height, layer.kernel, stride, padding, layer.ceilMode),
        width: windowOutput(input.width, layer.kernel, stride, padding, layer.ceilMode),
      };
      if (output.height < 1 || output.width < 1) fail('the window is larger than the padded input');
      return [{ name, type: layer.type, input, output, macs: 0, params: 0, depth }];
    }
    case 'adaptiveavgpool':
      return [{ name, type: layer.type, input, output: { channels: input.channels, height: layer.outSize, width: layer.outSize }, macs: 0, params: 0, depth }];
    case 'flatten':
      return [{ name, type: layer.type, input, output: { channels: elements(input), height: 1, width: 1 }, macs: 0, params: 0, depth }];
    case 'linear': {
      if (input.height !== 1 || input.width !== 1) fail('a linear layer needs a flattened input');
      const output = { channels: layer.outFeatures, height: 1, width: 1 };
      return [{
        name, type: 'linear', input, output, depth,
        macs: input.channels * layer.outFeatures,
        params: input.channels * layer.outFeatures + (layer.bias === false ? 0 : layer.outFeatures),
      }];
    }
    case 'residual': {
      const main = sequenceRows(layer.main, input, `${name}/`, depth + 1);
      const shortcut = sequenceRows(layer.shortcut, input, `${name}/`, depth + 1);
      const mainOut = main.length ? main[main.length - 1].output : input;
      const shortcutOut = shortcut.length ? shortcut[shortcut.length - 1].output : input;
      if (!sameShape(mainOut, shortcutOut)) fail(`main path gives ${fmt(mainOut)} but the shortcut ${fmt(shortcutOut)}`);
      return [...main, ...shortcut, { name, type: 'add', input, output: mainOut, macs: 0, params: 0, depth }];
    }
  }
}

function sequenceRows(layers: Layer[], input: Shape, prefix: string, depth: number): LayerRow[] {
  const rows: LayerRow[] = [];
  let shape = input;
  for (const layer of layers) {
    const mine = layerRows(layer, shape, prefix, depth);
    rows.push(...mine);
    shape = mine[mine.length - 1].output;
  }
  return rows;
}

/**
 * Every layer of the network in execution order (residual blocks expanded: main path,
 * shortcut, then the add whose row carries the block's name at the block's own depth).
 * Throws InputError naming the layer when a shape does not fit (user architectures come from files).
 */
export function analyzeNetwork(net: Network): LayerRow[] {
  return sequenceRows(net.layers, net.input, '', 0);
}

export interface NetworkTotals {
  macs: number;
  params: number;
  output: Shape;
}

export function networkTotals(net: Network): NetworkTotals {
  const rows = analyzeNetwork(net);
  return {
    macs: rows.reduce((a, r) => a + r.macs, 0),
    params: rows.reduce((a, r) => a + r.params, 0),
    output: rows[rows.length - 1].output,
  };
}
