#!/usr/bin/env node
// Records keras-semantics GAN training traces with TensorFlow.js 4.22 (its Layers API is a port of Keras), in the
// gan-keras-trace/2 format of docs/parity.md.
//
//   cd tools/oracles && npm ci && node tfjs_trace.js NAME|all [--out ../../tests/data/golden] [--steps N] [--batch N] [--seed N]
//
// Cases: keras_dcgan28 (Conv2D, Conv2DTranspose, BatchNormalization with Keras's momentum 0.99 and epsilon 1e-3, Adam)
// and keras_rmsprop (MLPs, RMSprop with epsilon inside the square root). TensorFlow.js works channels-last; the trace
// stores everything in Gan.Keras's layouts (NCHW images, [out, in, kh, kw] Conv2D kernels, [in, filters, kh, kw]
// Conv2DTranspose kernels, Dense kernels whose rows/columns follow a channels-first Flatten/Reshape), converted here.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const tf = require('@tensorflow/tfjs');

const ROOT = path.resolve(__dirname, '..', '..');

function mnistImages() {
  const raw = zlib.gunzipSync(fs.readFileSync(path.join(ROOT, 'tests', 'data', 'mnist', 't10k-images-idx3-ubyte.gz')));
  const n = raw.readUInt32BE(4);
  const pixels = new Float32Array(n * 784);
  for (let i = 0; i < n * 784; i++) pixels[i] = raw[16 + i] / 127.5 - 1;
  return { n, pixels };
}

// A seeded linear congruential generator picks the images, so a re-run picks the same ones.
function pick(n, count, seed) {
  let state = seed >>> 0;
  const next = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state; };
  const chosen = [];
  const used = new Set();
  while (chosen.length < count) { const i = next() % n; if (!used.has(i)) { used.add(i); chosen.push(i); } }
  return chosen;
}

// Index maps between channels-last (h, w, c) and channels-first (c, h, w) flattenings of [c, h, w].
function chwFromHwc(c, h, w) {
  const map = new Int32Array(c * h * w); // map[chwIndex] = hwcIndex
  for (let ci = 0; ci < c; ci++) for (let hi = 0; hi < h; hi++) for (let wi = 0; wi < w; wi++)
    map[(ci * h + hi) * w + wi] = (hi * w + wi) * c + ci;
  return tf.tensor1d(map, 'int32');
}

const glorot = (seed) => tf.initializers.glorotUniform({ seed });

const CASES = {
  keras_dcgan28: {
    description: 'Keras DCGAN 28x28 recorded by TensorFlow.js: Dense, BatchNormalization (Keras momentum 0.99, epsilon 1e-3, biased moving variance; training updates and inference), LeakyReLU, Conv2DTranspose, Conv2D, tanh; non-saturating sigmoid cross-entropy on logits; TensorFlow.js Adam',
    latent: 16,
    generator: [
      { class: 'Dense', name: 'dense_0', units: 392, use_bias: false },
      { class: 'BatchNormalization', name: 'batch_normalization_0', momentum: 0.99, epsilon: 1e-3, moving_variance: 'biased', chw: [8, 7, 7] },
      { class: 'LeakyReLU', name: 'leaky_re_lu_0', alpha: 0.2 },
      { class: 'Reshape', name: 'reshape', target_shape: [8, 7, 7] },
      { class: 'Conv2DTranspose', name: 'conv2d_transpose_0', filters: 4, kernel_size: 4, strides: 2, padding: 'same', use_bias: false },
      { class: 'BatchNormalization', name: 'batch_normalization_1', momentum: 0.99, epsilon: 1e-3, moving_variance: 'biased' },
      { class: 'LeakyReLU', name: 'leaky_re_lu_1', alpha: 0.2 },
      { class: 'Conv2DTranspose', name: 'conv2d_transpose_1', filters: 1, kernel_size: 4, strides: 2, padding: 'same' },
      { class: 'Activation', name: 'tanh', activation: 'tanh' },
    ],
    discriminator: [
      { class: 'Conv2D', name: 'conv2d_0', filters: 4, kernel_size: 4, strides: 2, padding: 'same' },
      { class: 'LeakyReLU', name: 'leaky_re_lu_0', alpha: 0.2 },
      { class: 'Conv2D', name: 'conv2d_1', filters: 8, kernel_size: 4, strides: 2, padding: 'same', use_bias: false },
      { class: 'BatchNormalization', name: 'batch_normalization_0', momentum: 0.99, epsilon: 1e-3, moving_variance: 'biased' },
      { class: 'LeakyReLU', name: 'leaky_re_lu_1', alpha: 0.2 },
      { class: 'Flatten', name: 'flatten', chw: [8, 7, 7] },
      { class: 'Dense', name: 'dense_0', units: 1 },
    ],
    optimizer: { class: 'Adam', learning_rate: 2e-4, beta1: 0.5, beta2: 0.999, epsilon: 1e-7, rule: 'algorithm1', beta_powers: 'float32_running_product' },
  },
  keras_rmsprop: {
    description: 'Keras RMSprop recorded by TensorFlow.js (epsilon added under the square root, as Keras); MLPs; non-saturating sigmoid cross-entropy on logits',
    latent: 16,
    generator: [
      { class: 'Dense', name: 'dense_0', units: 16 },
      { class: 'LeakyReLU', name: 'leaky_re_lu_0', alpha: 0.2 },
      { class: 'Dense', name: 'dense_1', units: 784 },
      { class: 'Activation', name: 'tanh', activation: 'tanh' },
      { class: 'Reshape', name: 'reshape', target_shape: [1, 28, 28] },
    ],
    discriminator: [
      { class: 'Flatten', name: 'flatten' },
      { class: 'Dense', name: 'dense_0', units: 16 },
      { class: 'LeakyReLU', name: 'leaky_re_lu_0', alpha: 0.2 },
      { class: 'Dense', name: 'dense_1', units: 1 },
    ],
    optimizer: { class: 'RMSprop', learning_rate: 1e-3, rho: 0.9, epsilon: 1e-7, epsilon_placement: 'inside_sqrt' },
  },
};

// Builds a tfjs model (channels-last) from the specs; returns the model and, per spec, its tfjs layer.
function build(specs, inputShape, seed) {
  const layers = [];
  let first = true;
  let s = seed;
  const input = () => (first ? { inputShape } : {});
  for (const spec of specs) {
    const common = input();
    first = false;
    let layer;
    switch (spec.class) {
      case 'Dense': layer = tf.layers.dense({ ...common, units: spec.units, useBias: spec.use_bias !== false, kernelInitializer: glorot(s++), name: spec.name }); break;
      case 'Conv2D': layer = tf.layers.conv2d({ ...common, filters: spec.filters, kernelSize: spec.kernel_size, strides: spec.strides, padding: spec.padding, useBias: spec.use_bias !== false, kernelInitializer: glorot(s++), name: spec.name }); break;
      case 'Conv2DTranspose': layer = tf.layers.conv2dTranspose({ ...common, filters: spec.filters, kernelSize: spec.kernel_size, strides: spec.strides, padding: spec.padding, useBias: spec.use_bias !== false, kernelInitializer: glorot(s++), name: spec.name }); break;
      case 'BatchNormalization': layer = tf.layers.batchNormalization({ ...common, momentum: spec.momentum, epsilon: spec.epsilon, name: spec.name }); break;
      case 'LeakyReLU': layer = tf.layers.leakyReLU({ ...common, alpha: spec.alpha, name: spec.name }); break;
      case 'Activation': layer = tf.layers.activation({ ...common, activation: spec.activation, name: spec.name }); break;
      case 'Reshape': {
        const [c, h, w] = spec.target_shape;
        layer = tf.layers.reshape({ ...common, targetShape: [h, w, c], name: spec.name }); break;
      }
      case 'Flatten': layer = tf.layers.flatten({ ...common, name: spec.name }); break;
      default: throw new Error(spec.class);
    }
    layers.push(layer);
  }
  const model = tf.sequential({ layers });
  return { model, layers };
}

// The weights in Gan.Keras's names and layouts. A Dense layer right after a channels-first Flatten of [c, h, w] has
// its rows reordered; a Dense layer feeding a Reshape to [c, h, w] (through BatchNormalization/LeakyReLU) has its
// columns reordered, and so has that BatchNormalization.
function kerasWeights(specs, layers, prefix) {
  const out = {};
  let rowMap = null;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i];
    // getWeights() returns the live variables: copy their values now, before training changes them.
    const w = layers[i].getWeights().map((t) => tf.tensor(t.dataSync(), t.shape));
    const name = `${prefix}.${spec.name}`;
    const reshapeAhead = specs.slice(i + 1).find((x) => x.class === 'Reshape' || x.class === 'Dense' || x.class.startsWith('Conv'));
    const colMap = reshapeAhead && reshapeAhead.class === 'Reshape' && reshapeAhead.target_shape.length === 3
      ? chwFromHwc(...reshapeAhead.target_shape) : null;
    switch (spec.class) {
      case 'Dense': {
        let kernel = w[0];
        if (rowMap) kernel = tf.gather(kernel, rowMap, 0);
        if (colMap) kernel = tf.gather(kernel, colMap, 1);
        out[`${name}.kernel`] = kernel;
        if (w.length > 1) out[`${name}.bias`] = colMap ? tf.gather(w[1], colMap) : w[1];
        rowMap = null;
        break;
      }
      case 'Conv2D': case 'Conv2DTranspose':
        out[`${name}.kernel`] = tf.transpose(w[0], [3, 2, 0, 1]);
        if (w.length > 1) out[`${name}.bias`] = w[1];
        break;
      case 'BatchNormalization': {
        const g = (t) => (colMap && w[0].shape[0] === colMap.shape[0] ? tf.gather(t, colMap) : t);
        out[`${name}.gamma`] = g(w[0]);
        out[`${name}.beta`] = g(w[1]);
        out[`${name}.moving_mean`] = g(w[2]);
        out[`${name}.moving_variance`] = g(w[3]);
        break;
      }
      case 'Flatten':
        if (spec.chw) rowMap = chwFromHwc(...spec.chw);
        break;
      default: break;
    }
  }
  return out;
}

const toNchw = (t) => tf.transpose(t, [0, 3, 1, 2]);
const toNhwc = (t) => tf.transpose(t, [0, 2, 3, 1]);

function bceLogits(logits, label) {
  return tf.losses.sigmoidCrossEntropy(label === 1 ? tf.onesLike(logits) : tf.zerosLike(logits), logits);
}

function optimizer(spec) {
  if (spec.class === 'Adam') return tf.train.adam(spec.learning_rate, spec.beta1, spec.beta2, spec.epsilon);
  if (spec.class === 'RMSprop') return tf.train.rmsprop(spec.learning_rate, spec.rho, 0, spec.epsilon, false);
  throw new Error(spec.class);
}

async function record(name, c, steps, batch, seed, outDir) {
  const images = mnistImages();
  const G = build(c.generator, [c.latent], seed * 100);
  const D = build(c.discriminator, [28, 28, 1], seed * 100 + 50);
  const tensors = {};
  Object.entries(kerasWeights(c.generator, G.layers, 'generator')).forEach(([k, v]) => { tensors[`init.${k}`] = v; });
  Object.entries(kerasWeights(c.discriminator, D.layers, 'discriminator')).forEach(([k, v]) => { tensors[`init.${k}`] = v; });
  const chosen = pick(images.n, steps * batch, seed);
  const realData = new Float32Array(steps * batch * 784);
  chosen.forEach((img, j) => realData.set(images.pixels.subarray(img * 784, (img + 1) * 784), j * 784));
  const real = tf.tensor(realData, [steps, batch, 1, 28, 28]);
  const zD = tf.randomNormal([steps, batch, c.latent], 0, 1, 'float32', seed + 1);
  const zG = tf.randomNormal([steps, batch, c.latent], 0, 1, 'float32', seed + 2);
  const dOpt = optimizer(c.optimizer);
  const gOpt = optimizer(c.optimizer);
  const dLosses = [];
  const gLosses = [];
  for (let k = 0; k < steps; k++) {
    const x = toNhwc(real.slice([k], [1]).squeeze([0]));
    const zd = zD.slice([k], [1]).squeeze([0]);
    const zg = zG.slice([k], [1]).squeeze([0]);
    // The fakes are made outside the gradient function: only D's variables are differentiated (G is not updated).
    const fake = G.model.apply(zd, { training: true });
    const dCost = dOpt.minimize(() => {
      const realOut = D.model.apply(x, { training: true });
      const fakeOut = D.model.apply(fake, { training: true });
      return tf.add(bceLogits(realOut, 1), bceLogits(fakeOut, 0));
    }, true, D.model.trainableWeights.map((w) => w.val));
    dLosses.push((await dCost.data())[0]);
    const gCost = gOpt.minimize(() => bceLogits(D.model.apply(G.model.apply(zg, { training: true }), { training: true }), 1),
      true, G.model.trainableWeights.map((w) => w.val));
    gLosses.push((await gCost.data())[0]);
  }
  Object.entries(kerasWeights(c.generator, G.layers, 'generator')).forEach(([k, v]) => { tensors[`final.${k}`] = v; });
  Object.entries(kerasWeights(c.discriminator, D.layers, 'discriminator')).forEach(([k, v]) => { tensors[`final.${k}`] = v; });
  const zEval = tf.randomNormal([batch, c.latent], 0, 1, 'float32', seed + 3);
  tensors['eval.z'] = zEval;
  tensors['eval.generator'] = toNchw(G.model.apply(zEval, { training: false }));
  tensors['batches.real'] = real;
  tensors['batches.z_d'] = zD;
  tensors['batches.z_g'] = zG;
  tensors['losses.d'] = tf.tensor1d(dLosses);
  tensors['losses.g'] = tf.tensor1d(gLosses);
  const strip = (specs) => JSON.stringify(specs.map(({ chw, ...rest }) => rest));
  const metadata = {
    format: 'gan-keras-trace/2',
    framework: `tfjs-${tf.version.tfjs}`,
    semantics: 'keras',
    case: name,
    description: c.description,
    loss: 'non-saturating',
    generator: strip(c.generator),
    discriminator: strip(c.discriminator),
    generator_input_shape: JSON.stringify([c.latent]),
    discriminator_input_shape: JSON.stringify([1, 28, 28]),
    optimizer: JSON.stringify(c.optimizer),
    steps: String(steps),
    batch_size: String(batch),
    latent_dim: String(c.latent),
    seed: String(seed),
    data: 'MNIST t10k (tests/data/mnist), scaled to [-1, 1], images picked by a seeded LCG (tools/oracles/tfjs_trace.js)',
    order: 'per step: fake = G(z_d[k]); d = bce(D(real[k]), 1) + bce(D(fake), 0) with tf.losses.sigmoidCrossEntropy (mean); opt_d.minimize; g = bce(D(G(z_g[k])), 1); opt_g.minimize; every call with training: true (BatchNormalization updates its moving statistics on each call)',
  };
  const file = path.join(outDir, `${name}_seed${seed}.safetensors`);
  await save(file, tensors, metadata);
  console.log(`${file}: ${fs.statSync(file).size} bytes; d ${dLosses[0].toFixed(6)} -> ${dLosses[steps - 1].toFixed(6)}, g ${gLosses[0].toFixed(6)} -> ${gLosses[steps - 1].toFixed(6)}`);
}

async function save(file, tensors, metadata) {
  const header = { __metadata__: metadata };
  const blobs = [];
  let offset = 0;
  for (const name of Object.keys(tensors).sort()) {
    const bytes = Buffer.from(new Float32Array(await tensors[name].data()).buffer);
    header[name] = { dtype: 'F32', shape: tensors[name].shape, data_offsets: [offset, offset + bytes.length] };
    offset += bytes.length;
    blobs.push(bytes);
  }
  let text = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - (text.length % 8)) % 8;
  text = Buffer.concat([text, Buffer.alloc(pad, 0x20)]);
  const size = Buffer.alloc(8);
  size.writeBigUInt64LE(BigInt(text.length));
  fs.writeFileSync(`${file}.tmp`, Buffer.concat([size, text, ...blobs]));
  fs.renameSync(`${file}.tmp`, file);
}

async function main() {
  const args = process.argv.slice(2);
  const option = (flag, fallback) => { const i = args.indexOf(flag); return i >= 0 ? args[i + 1] : fallback; };
  const name = args[0];
  if (!name || (name !== 'all' && !CASES[name])) {
    console.error(`usage: node tfjs_trace.js ${Object.keys(CASES).join('|')}|all [--out DIR] [--steps N] [--batch N] [--seed N]`);
    process.exit(2);
  }
  const out = option('--out', path.join(ROOT, 'tests', 'data', 'golden'));
  const steps = Number(option('--steps', 6));
  const batch = Number(option('--batch', 8));
  const seed = Number(option('--seed', 1));
  fs.mkdirSync(out, { recursive: true });
  for (const [n, c] of Object.entries(CASES)) if (name === 'all' || name === n) await record(n, c, steps, batch, seed, out);
}

main().catch((e) => { console.error(e); process.exit(1); });
