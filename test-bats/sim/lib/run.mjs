// @ts-check
// node run.mjs TOOL ARGS...: dispatches to the simulator (pvesim is the control tool, unlogged).
const tool = process.argv[2];
process.argv.splice(2, 1);
if (tool === 'pvesim') {
  const { pvesim } = await import('./pvesim.mjs');
  await pvesim(process.argv.slice(2));
} else {
  const { main } = await import('./main.mjs');
  await main(tool);
}
