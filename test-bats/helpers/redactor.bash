# shellcheck shell=bash
# bats helper: ssh-mcp 2's output redactor, the real one from node_modules. `load '../helpers/redactor'`.

# redacted TEXT: TEXT after ssh-mcp 2's output redactor (redactText with entropyScan, as its
# build/tools/results.js applies it to a command's stdout and stderr).
redacted() {
  node --input-type=module -e '
    const { redactText } = await import(process.argv[1]);
    process.stdout.write(redactText(process.argv[2], { entropyScan: true }));
  ' "$REPO_ROOT/node_modules/ssh-mcp/build/guard/redactor.js" "$1"
}
