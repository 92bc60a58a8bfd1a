// Parameter counts of the keras-io examples that examples/KerasPorts/KerasIo ports (wgan_gp, conditional_gan,
// dcgan_overriding_train_step, cyclegan), built with TensorFlow.js layers, whose countParams() follows Keras's summary().
// Weight-free stand-ins where tfjs lacks a layer: ZeroPadding2D for CycleGAN's ReflectionPadding2D (no weights either)
// and LayerNormalization over the channels for tfa's InstanceNormalization (both: γ and β per channel).
// Run: cd tools/oracles && npm ci && node keras_io_param_counts.js
const tf = require('@tensorflow/tfjs');
const L = tf.layers;

function counts(name, model) {
  const trainable = model.trainableWeights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  console.log(`params ${name} ${model.countParams()} ${trainable}`);
}

function wganGp() {
  const img = tf.input({ shape: [28, 28, 1] });
  let x = L.zeroPadding2d({ padding: [2, 2] }).apply(img);
  const conv = (x, f, drop) => {
    x = L.conv2d({ filters: f, kernelSize: 5, strides: 2, padding: 'same' }).apply(x);
    x = L.leakyReLU({ alpha: 0.2 }).apply(x);
    return drop ? L.dropout({ rate: 0.3 }).apply(x) : x;
  };
  x = conv(x, 64, false); x = conv(x, 128, true); x = conv(x, 256, true); x = conv(x, 512, false);
  x = L.flatten().apply(x); x = L.dropout({ rate: 0.2 }).apply(x); x = L.dense({ units: 1 }).apply(x);
  counts('wgan_gp/discriminator', tf.model({ inputs: img, outputs: x }));

  const noise = tf.input({ shape: [128] });
  let y = L.dense({ units: 4 * 4 * 256, useBias: false }).apply(noise);
  y = L.batchNormalization().apply(y); y = L.leakyReLU({ alpha: 0.2 }).apply(y);
  y = L.reshape({ targetShape: [4, 4, 256] }).apply(y);
  for (const f of [128, 64, 1]) {
    y = L.upSampling2d({ size: [2, 2] }).apply(y);
    y = L.conv2d({ filters: f, kernelSize: 3, padding: 'same', useBias: false }).apply(y);
    y = L.batchNormalization().apply(y);
    y = f === 1 ? L.activation({ activation: 'tanh' }).apply(y) : L.leakyReLU({ alpha: 0.2 }).apply(y);
  }
  y = L.cropping2D({ cropping: [2, 2] }).apply(y);
  counts('wgan_gp/generator', tf.model({ inputs: noise, outputs: y }));
}

function conditionalGan() {
  const d = tf.sequential({ layers: [
    L.conv2d({ inputShape: [28, 28, 11], filters: 64, kernelSize: 3, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.globalMaxPooling2d({}), L.dense({ units: 1 })] });
  counts('conditional_gan/discriminator', d);
  const g = tf.sequential({ layers: [
    L.dense({ inputShape: [138], units: 7 * 7 * 138 }), L.leakyReLU({ alpha: 0.2 }), L.reshape({ targetShape: [7, 7, 138] }),
    L.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2d({ filters: 1, kernelSize: 7, padding: 'same', activation: 'sigmoid' })] });
  counts('conditional_gan/generator', g);
}

function dcgan() {
  const d = tf.sequential({ layers: [
    L.conv2d({ inputShape: [64, 64, 3], filters: 64, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2d({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.flatten(), L.dropout({ rate: 0.2 }), L.dense({ units: 1, activation: 'sigmoid' })] });
  counts('dcgan_keras_io/discriminator', d);
  const g = tf.sequential({ layers: [
    L.dense({ inputShape: [128], units: 8 * 8 * 128 }), L.reshape({ targetShape: [8, 8, 128] }),
    L.conv2dTranspose({ filters: 128, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2dTranspose({ filters: 256, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2dTranspose({ filters: 512, kernelSize: 4, strides: 2, padding: 'same' }), L.leakyReLU({ alpha: 0.2 }),
    L.conv2d({ filters: 3, kernelSize: 5, padding: 'same', activation: 'sigmoid' })] });
  counts('dcgan_keras_io/generator', g);
}

function cyclegan() {
  const norm = (x) => L.layerNormalization({ axis: -1 }).apply(x); // stands in for InstanceNormalization: 2·C weights
  const img = tf.input({ shape: [256, 256, 3] });
  let x = L.zeroPadding2d({ padding: [3, 3] }).apply(img);
  x = L.conv2d({ filters: 64, kernelSize: 7, useBias: false }).apply(x); x = norm(x);
  x = L.activation({ activation: 'relu' }).apply(x);
  let filters = 64;
  for (let i = 0; i < 2; i++) {
    filters *= 2;
    x = L.conv2d({ filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x); x = norm(x);
    x = L.activation({ activation: 'relu' }).apply(x);
  }
  for (let i = 0; i < 9; i++) {
    const input = x;
    let r = L.zeroPadding2d({ padding: [1, 1] }).apply(input);
    r = L.conv2d({ filters: 256, kernelSize: 3, useBias: false }).apply(r); r = norm(r);
    r = L.activation({ activation: 'relu' }).apply(r);
    r = L.zeroPadding2d({ padding: [1, 1] }).apply(r);
    r = L.conv2d({ filters: 256, kernelSize: 3, useBias: false }).apply(r); r = norm(r);
    x = L.add().apply([input, r]);
  }
  for (let i = 0; i < 2; i++) {
    filters /= 2;
    x = L.conv2dTranspose({ filters, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(x); x = norm(x);
    x = L.activation({ activation: 'relu' }).apply(x);
  }
  x = L.zeroPadding2d({ padding: [3, 3] }).apply(x);
  x = L.conv2d({ filters: 3, kernelSize: 7 }).apply(x);
  x = L.activation({ activation: 'tanh' }).apply(x);
  counts('cyclegan/generator', tf.model({ inputs: img, outputs: x }));

  const dimg = tf.input({ shape: [256, 256, 3] });
  let y = L.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }).apply(dimg);
  y = L.leakyReLU({ alpha: 0.2 }).apply(y);
  let n = 64;
  for (let i = 0; i < 3; i++) {
    n *= 2;
    y = L.conv2d({ filters: n, kernelSize: 4, strides: i < 2 ? 2 : 1, padding: 'same', useBias: false }).apply(y); y = norm(y);
    y = L.leakyReLU({ alpha: 0.2 }).apply(y);
  }
  y = L.conv2d({ filters: 1, kernelSize: 4, padding: 'same' }).apply(y);
  counts('cyclegan/discriminator', tf.model({ inputs: dimg, outputs: y }));
}

wganGp();
conditionalGan();
dcgan();
cyclegan();
