// Parameter counts of the eight Keras-GAN networks (eriklindernoren/Keras-GAN, MIT licence) rebuilt with TensorFlow.js
// layers, whose countParams() and trainable weights follow Keras's summary(). Channels last, as the originals.
// Prints 'params <port> <network> <total> <trainable>' per network; KerasGanPortsTests holds the same numbers.
// Usage: cd tools/oracles && npm ci && node keras_gan_params.js
// InfoGAN's Lambda(linmax) has no weights and no tfjs counterpart: it is left out here, which changes no count.
const tf = require('@tensorflow/tfjs');
const L = tf.layers;

function seq(layers, inputShape) {
  const model = tf.sequential();
  layers.forEach((layer, i) => model.add(i === 0 ? layer(inputShape) : layer()));
  return model;
}
const dense = (units, activation) => (inputShape) => L.dense(inputShape ? { units, activation, inputShape } : { units, activation });
const conv = (filters, kernelSize, strides = 1) => (inputShape) =>
  L.conv2d(inputShape ? { filters, kernelSize, strides, padding: 'same', inputShape } : { filters, kernelSize, strides, padding: 'same' });
const bn = () => () => L.batchNormalization({ momentum: 0.8 });
const lrelu = () => () => L.leakyReLU({ alpha: 0.2 });
const act = (activation) => () => L.activation({ activation });
const drop = (rate) => () => L.dropout({ rate });
const up = () => () => L.upSampling2d({});
const reshape = (targetShape) => () => L.reshape({ targetShape });
const flatten = () => (inputShape) => L.flatten(inputShape ? { inputShape } : {});
const pad = () => () => L.zeroPadding2d({ padding: [[0, 1], [0, 1]] });

function report(port, network, model) {
  const trainable = model.trainableWeights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0);
  console.log(`params ${port} ${network} ${model.countParams()} ${trainable}`);
}

// The upsampling generator of acgan, dcgan and sgan (Dense → 7×7×128 → two UpSampling2D + Conv2D blocks).
function convGenerator(latentDim) {
  return seq([dense(128 * 7 * 7, 'relu'), reshape([7, 7, 128]), bn(), up(), conv(128, 3), act('relu'), bn(), up(),
    conv(64, 3), act('relu'), bn(), conv(1, 3), act('tanh')], [latentDim]);
}
// The strided discriminator body of acgan (16, 32, 64, 128 filters) and dcgan/sgan (32, 64, 128, 256).
function convDiscriminatorBody(f) {
  return seq([conv(f, 3, 2), lrelu(), drop(0.25), conv(2 * f, 3, 2), pad(), lrelu(), drop(0.25), bn(), conv(4 * f, 3, 2),
    lrelu(), drop(0.25), bn(), conv(8 * f, 3, 1), lrelu(), drop(0.25), flatten()], [28, 28, 1]);
}
// The MLP generator of cgan and lsgan.
function mlpGenerator(latentDim) {
  return seq([dense(256), lrelu(), bn(), dense(512), lrelu(), bn(), dense(1024), lrelu(), bn(), dense(784, 'tanh'),
    reshape([28, 28, 1])], [latentDim]);
}

// acgan
{
  const body = convGenerator(100);
  const noise = tf.input({ shape: [100] });
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const emb = L.flatten().apply(L.embedding({ inputDim: 10, outputDim: 100 }).apply(label));
  report('acgan', 'generator', tf.model({ inputs: [noise, label], outputs: body.apply(L.multiply().apply([noise, emb])) }));
  const dbody = convDiscriminatorBody(16);
  const img = tf.input({ shape: [28, 28, 1] });
  const features = dbody.apply(img);
  report('acgan', 'discriminator', tf.model({ inputs: img, outputs: [dense(1, 'sigmoid')().apply(features), dense(10, 'softmax')().apply(features)] }));
}
// cgan
{
  const body = mlpGenerator(100);
  const noise = tf.input({ shape: [100] });
  const label = tf.input({ shape: [1], dtype: 'int32' });
  const emb = L.flatten().apply(L.embedding({ inputDim: 10, outputDim: 100 }).apply(label));
  report('cgan', 'generator', tf.model({ inputs: [noise, label], outputs: body.apply(L.multiply().apply([noise, emb])) }));
  const dbody = seq([dense(512), lrelu(), dense(512), lrelu(), drop(0.4), dense(512), lrelu(), drop(0.4), dense(1, 'sigmoid')], [784]);
  const img = tf.input({ shape: [28, 28, 1] });
  const dlabel = tf.input({ shape: [1], dtype: 'int32' });
  const demb = L.flatten().apply(L.embedding({ inputDim: 10, outputDim: 784 }).apply(dlabel));
  report('cgan', 'discriminator', tf.model({ inputs: [img, dlabel], outputs: dbody.apply(L.multiply().apply([L.flatten().apply(img), demb])) }));
}
// infogan
{
  const body = seq([dense(1024, 'relu'), bn(), dense(128 * 7 * 7, 'relu'), bn(), reshape([7, 7, 128]), up(), conv(64, 4),
    act('relu'), bn(), up(), conv(1, 4), act('tanh')], [74]);
  const z = tf.input({ shape: [74] });
  report('infogan', 'generator', tf.model({ inputs: z, outputs: body.apply(z) }));
  const dbody = seq([conv(64, 4, 2), lrelu(), drop(0.25), conv(128, 4, 2), lrelu(), bn(), drop(0.25), flatten(), dense(1024),
    lrelu(), bn()], [28, 28, 1]);
  const img = tf.input({ shape: [28, 28, 1] });
  const features = dbody.apply(img);
  const validity = dense(1, 'sigmoid')().apply(features);
  let c = dense(128)().apply(features);
  c = L.batchNormalization({ momentum: 0.8 }).apply(L.leakyReLU({ alpha: 0.2 }).apply(c));
  const label = dense(10, 'softmax')().apply(c);
  const mean = dense(1, 'linear')().apply(c);
  const logStd = dense(1)().apply(c);
  report('infogan', 'discriminator', tf.model({ inputs: img, outputs: [validity, label, L.concatenate({ axis: 1 }).apply([mean, logStd])] }));
}
// bigan
{
  const enc = seq([flatten(), dense(512), lrelu(), bn(), dense(512), lrelu(), bn(), dense(100)], [28, 28, 1]);
  report('bigan', 'encoder', enc);
  const gen = seq([dense(512), lrelu(), bn(), dense(512), lrelu(), bn(), dense(784, 'tanh'), reshape([28, 28, 1])], [100]);
  report('bigan', 'generator', gen);
  const z = tf.input({ shape: [100] });
  const img = tf.input({ shape: [28, 28, 1] });
  let x = L.concatenate().apply([z, L.flatten().apply(img)]);
  for (let i = 0; i < 3; i++) x = L.dropout({ rate: 0.5 }).apply(L.leakyReLU({ alpha: 0.2 }).apply(dense(1024)().apply(x)));
  report('bigan', 'discriminator', tf.model({ inputs: [z, img], outputs: dense(1, 'sigmoid')().apply(x) }));
}
// sgan
{
  report('sgan', 'generator', convGenerator(100));
  const dbody = convDiscriminatorBody(32);
  const img = tf.input({ shape: [28, 28, 1] });
  const features = dbody.apply(img);
  report('sgan', 'discriminator', tf.model({ inputs: img, outputs: [dense(1, 'sigmoid')().apply(features), dense(11, 'softmax')().apply(features)] }));
}
// cogan
{
  const shared = seq([dense(256), lrelu(), bn(), dense(512), lrelu(), bn()], [100]);
  const noise = tf.input({ shape: [100] });
  const features = shared.apply(noise);
  for (const name of ['g1', 'g2']) {
    let g = L.batchNormalization({ momentum: 0.8 }).apply(L.leakyReLU({ alpha: 0.2 }).apply(dense(1024)().apply(features)));
    g = L.reshape({ targetShape: [28, 28, 1] }).apply(dense(784, 'tanh')().apply(g));
    report('cogan', name, tf.model({ inputs: noise, outputs: g }));
  }
  const dshared = seq([flatten(), dense(512), lrelu(), dense(256), lrelu()], [28, 28, 1]);
  for (const name of ['d1', 'd2']) {
    const img = tf.input({ shape: [28, 28, 1] });
    report('cogan', name, tf.model({ inputs: img, outputs: dense(1, 'sigmoid')().apply(dshared.apply(img)) }));
  }
}
// dcgan
{
  report('dcgan', 'generator', convGenerator(100));
  const d = convDiscriminatorBody(32);
  d.add(L.dense({ units: 1, activation: 'sigmoid' }));
  report('dcgan', 'discriminator', d);
}
// lsgan
{
  report('lsgan', 'generator', mlpGenerator(100));
  report('lsgan', 'discriminator', seq([flatten(), dense(512), lrelu(), dense(256), lrelu(), dense(1)], [28, 28, 1]));
}
