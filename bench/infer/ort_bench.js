// ort_bench.js — ONNX Runtime (npm onnxruntime-node, one intra-op thread) on the same model
// and inputs as bench_infer, for bench/infer/run_bench.py. Prints one JSON object per line
// in bench_infer's format.
//
//   node ort_bench.js MODEL.onnx B L SECONDS      random ids [B, L] (int64) through MODEL
//
// run_bench.py installs onnxruntime-node into a bench-local folder and sets NODE_PATH; it is
// not a project dependency and no test needs it.
const ort = require('onnxruntime-node');

function cpuSeconds() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

async function main() {
  const [path, B, L, seconds] = process.argv.slice(2);
  const b = parseInt(B, 10), l = parseInt(L, 10), secs = parseFloat(seconds);
  const session = await ort.InferenceSession.create(path, {
    intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential',
    graphOptimizationLevel: 'all', logSeverityLevel: 3,
  });
  const ids = new BigInt64Array(b * l);
  let seed = 1;
  for (let i = 0; i < ids.length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    ids[i] = BigInt(1 + (seed % 20));
  }
  const feeds = {[session.inputNames[0]]: new ort.Tensor('int64', ids, [b, l])};
  await session.run(feeds); // warm-up
  const lat = [];
  const end = performance.now() + 1000 * secs, c0 = cpuSeconds();
  while (lat.length < 3 || performance.now() < end) {
    const t0 = performance.now();
    await session.run(feeds);
    lat.push((performance.now() - t0) / 1000);
  }
  const cpu = cpuSeconds() - c0;
  lat.sort((x, y) => x - y);
  const pick = (p) => lat[Math.min(lat.length - 1, Math.max(0, Math.round(p * lat.length) - 1))];
  const tot = lat.reduce((s, x) => s + x, 0), items = b * l * lat.length;
  console.log(JSON.stringify({
    bench: `ort_b${b}_l${l}`, runs: lat.length, p50_ms: 1e3 * pick(0.5), p95_ms: 1e3 * pick(0.95),
    p99_ms: 1e3 * pick(0.99), items_per_s: items / tot, cpu_items_per_s: items / cpu,
    kernel: `onnxruntime-${require('onnxruntime-node/package.json').version}`,
  }));
}

main().catch((e) => {
  console.error(`ort_bench: ${e.message || e}`);
  process.exit(1);
});
