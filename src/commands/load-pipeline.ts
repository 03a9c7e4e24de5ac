/**
 * The pipeline (every stage, layout and measurement module), imported when a command's options
 * have been checked rather than when the CLI starts: bad input exits 2 without loading it.
 */
export async function loadPipeline() {
  const [{ runPipeline }, { stages }] = await Promise.all([import('../pipeline/run-pipeline.js'), import('../pipeline/stages.js')]);
  return { runPipeline, stages };
}
