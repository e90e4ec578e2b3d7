// Run as its own process by LlamaBrain.checkBinding: loads the llama.cpp binding the way the brain does and exits 0, or prints why not and exits 1.
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

try {
  const llama = await getLlama({ gpu: false, build: "never", logLevel: LlamaLogLevel.error, logger: () => undefined });
  await llama.dispose();
  process.exitCode = 0;
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message.split("\n")[0] ?? error.name : String(error)}\n`);
  process.exitCode = 1;
}
