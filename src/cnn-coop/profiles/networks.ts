import type { ConvLayer, Layer, Network } from './layers.ts';

/**
 * Layer shapes of real networks, transcribed from their papers and the torchvision classes
 * (the versions whose MAC totals are quoted everywhere). Layer names follow torchvision
 * or the paper so that a split point can be looked up in either.
 */

const conv = (name: string, outChannels: number, kernel: number, extra: Partial<ConvLayer> = {}): ConvLayer =>
  ({ type: 'conv', name, outChannels, kernel, ...extra });

const IMAGENET_INPUT = { channels: 3, height: 224, width: 224 };

/** torchvision.models.alexnet (the "one weird trick" variant: 64-192-384-256-256 channels). */
export function alexnet(): Network {
  return {
    name: 'alexnet',
    description: 'AlexNet (torchvision), 5 conv + 3 fc layers',
    source: 'Krizhevsky 2014, arXiv:1404.5997; torchvision.models.alexnet',
    input: IMAGENET_INPUT,
    layers: [
      conv('conv1', 64, 11, { stride: 4, padding: 2 }),
      { type: 'maxpool', name: 'pool1', kernel: 3, stride: 2 },
      conv('conv2', 192, 5, { padding: 2 }),
      { type: 'maxpool', name: 'pool2', kernel: 3, stride: 2 },
      conv('conv3', 384, 3, { padding: 1 }),
      conv('conv4', 256, 3, { padding: 1 }),
      conv('conv5', 256, 3, { padding: 1 }),
      { type: 'maxpool', name: 'pool5', kernel: 3, stride: 2 },
      { type: 'adaptiveavgpool', name: 'avgpool', outSize: 6 },
      { type: 'flatten', name: 'flatten' },
      { type: 'linear', name: 'fc6', outFeatures: 4096 },
      { type: 'linear', name: 'fc7', outFeatures: 4096 },
      { type: 'linear', name: 'fc8', outFeatures: 1000 },
    ],
    blocks: ['pool1', 'pool2', 'conv3', 'conv4', 'pool5', 'fc6', 'fc7'],
  };
}

/** VGG-16 (configuration D of Simonyan & Zisserman), torchvision.models.vgg16. */
export function vgg16(): Network {
  const stages = [[64, 64], [128, 128], [256, 256, 256], [512, 512, 512], [512, 512, 512]];
  const layers: Layer[] = stages.flatMap((widths, s) => [
    ...widths.map((c, i) => conv(`conv${s + 1}_${i + 1}`, c, 3, { padding: 1 })),
    { type: 'maxpool' as const, name: `pool${s + 1}`, kernel: 2, stride: 2 },
  ]);
  layers.push(
    { type: 'adaptiveavgpool', name: 'avgpool', outSize: 7 },
    { type: 'flatten', name: 'flatten' },
    { type: 'linear', name: 'fc6', outFeatures: 4096 },
    { type: 'linear', name: 'fc7', outFeatures: 4096 },
    { type: 'linear', name: 'fc8', outFeatures: 1000 },
  );
  return {
    name: 'vgg16',
    description: 'VGG-16 (configuration D), 13 conv + 3 fc layers',
    source: 'Simonyan & Zisserman 2015, arXiv:1409.1556; torchvision.models.vgg16',
    input: IMAGENET_INPUT,
    layers,
    blocks: ['pool1', 'pool2', 'pool3', 'pool4', 'pool5', 'fc6', 'fc7'],
  };
}

export interface MobileNetOptions {
  /** Width multiplier alpha (the paper's 1.0, 0.75, 0.5, 0.25). */
  width?: number;
  /** Input resolution (224, 192, 160, 128). */
  resolution?: number;
}

/**
 * MobileNetV1 (Howard et al. 2017, Table 1; the cnn-coop paper's reference [37]): a 3x3 stem,
 * 13 depthwise-separable blocks (3x3 depthwise + 1x1 pointwise), global pool, one fc layer.
 * BatchNorm follows every conv, so convs carry no bias.
 */
export function mobilenetV1(opts: MobileNetOptions = {}): Network {
  const alpha = opts.width ?? 1;
  const res = opts.resolution ?? 224;
  const ch = (c: number) => Math.max(1, Math.round(c * alpha));
  // (output channels, stride of the depthwise conv) of the 13 separable blocks
  const blocks: Array<[number, number]> = [[64, 1], [128, 2], [128, 1], [256, 2], [256, 1], [512, 2],
    [512, 1], [512, 1], [512, 1], [512, 1], [512, 1], [1024, 2], [1024, 1]];
  const layers: Layer[] = [conv('conv1', ch(32), 3, { stride: 2, padding: 1, bias: false })];
  let cin = ch(32);
  blocks.forEach(([c, stride], i) => {
    layers.push(
      conv(`dw${i + 1}`, cin, 3, { stride, padding: 1, groups: cin, bias: false }),
      conv(`pw${i + 1}`, ch(c), 1, { bias: false }),
    );
    cin = ch(c);
  });
  layers.push({ type: 'adaptiveavgpool', name: 'avgpool', outSize: 1 }, { type: 'flatten', name: 'flatten' },
    { type: 'linear', name: 'fc', outFeatures: 1000 });
  const tag = alpha === 1 && res === 224 ? '' : ` (width ${alpha}, ${res}x${res})`;
  return {
    name: 'mobilenet-v1',
    description: `MobileNetV1${tag}, 13 depthwise-separable blocks`,
    source: "Howard et al. 2017, arXiv:1704.04861, Table 1 (the cnn-coop paper's reference [37])",
    input: { channels: 3, height: res, width: res },
    layers,
    // one split point at the end of each resolution stage (112, 56, 28, 14, 7), then the pool
    blocks: ['pw1', 'pw3', 'pw5', 'pw11', 'pw13', 'avgpool'],
  };
}

/** BasicBlock of ResNet-18/34: two 3x3 convs; a 1x1 strided conv on the shortcut when the shape changes. */
function basicBlock(name: string, cin: number, cout: number, stride: number): Layer {
  return {
    type: 'residual', name,
    main: [conv('conv1', cout, 3, { stride, padding: 1, bias: false }), conv('conv2', cout, 3, { padding: 1, bias: false })],
    shortcut: stride !== 1 || cin !== cout ? [conv('downsample', cout, 1, { stride, bias: false })] : [],
  };
}

/** Bottleneck of ResNet-50 (torchvision "v1.5": the stride sits on the 3x3 conv). */
function bottleneck(name: string, cin: number, width: number, stride: number): Layer {
  const cout = width * 4;
  return {
    type: 'residual', name,
    main: [
      conv('conv1', width, 1, { bias: false }),
      conv('conv2', width, 3, { stride, padding: 1, bias: false }),
      conv('conv3', cout, 1, { bias: false }),
    ],
    shortcut: stride !== 1 || cin !== cout ? [conv('downsample', cout, 1, { stride, bias: false })] : [],
  };
}

function resnet(name: string, depth: 18 | 50, blocksPerStage: number[]): Network {
  const layers: Layer[] = [
    conv('conv1', 64, 7, { stride: 2, padding: 3, bias: false }),
    { type: 'maxpool', name: 'maxpool', kernel: 3, stride: 2, padding: 1 },
  ];
  let cin = 64;
  const stageEnds: string[] = [];
  blocksPerStage.forEach((count, s) => {
    const width = 64 * 2 ** s;
    for (let b = 0; b < count; b++) {
      const stride = s > 0 && b === 0 ? 2 : 1;
      const blockName = `layer${s + 1}.${b}`;
      layers.push(depth === 18 ? basicBlock(blockName, cin, width, stride) : bottleneck(blockName, cin, width, stride));
      cin = depth === 18 ? width : width * 4;
    }
    stageEnds.push(`layer${s + 1}.${count - 1}`);
  });
  layers.push({ type: 'adaptiveavgpool', name: 'avgpool', outSize: 1 }, { type: 'flatten', name: 'flatten' },
    { type: 'linear', name: 'fc', outFeatures: 1000 });
  return {
    name,
    description: depth === 18 ? 'ResNet-18, 8 basic residual blocks in 4 stages' : 'ResNet-50, 16 bottleneck blocks in 4 stages',
    source: `He et al. 2016, arXiv:1512.03385, Table 1; torchvision.models.${name.replace('-', '')}`,
    input: IMAGENET_INPUT,
    layers,
    // the stem (after the max pool), the end of each of the 4 stages, the pooled features
    blocks: ['maxpool', ...stageEnds, 'avgpool'],
  };
}

export const resnet18 = (): Network => resnet('resnet18', 18, [2, 2, 2, 2]);
export const resnet50 = (): Network => resnet('resnet50', 50, [3, 4, 6, 3]);

/** The built-in networks by registry name. */
export const NETWORKS: Record<string, () => Network> = {
  alexnet,
  vgg16,
  'mobilenet-v1': () => mobilenetV1(),
  resnet18,
  resnet50,
};
