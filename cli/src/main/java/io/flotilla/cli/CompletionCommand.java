package io.flotilla.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Prints a shell completion script. */
@Command(name = "completion", mixinStandardHelpOptions = true,
    description = {"Print a completion script for bash or zsh.", "",
        "Examples:", "  source <(flotilla completion bash)",
        "  flotilla completion zsh > \"${fpath[1]}/_flotilla\""})
final class CompletionCommand implements Callable<Integer> {
  @Spec CommandSpec spec;
  @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh") String shell;

  @Override
  public Integer call() {
    CommandLine root = spec.root().commandLine();
    String script = AutoComplete.bash("flotilla", root);
    switch (shell) {
      case "bash" -> spec.commandLine().getOut().print(script);
      // picocli's script runs under zsh's bash compatibility layer.
      case "zsh" -> spec.commandLine().getOut().print(
          "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script);
      default -> throw CliException.usage("shell must be bash or zsh, not '" + shell + "'");
    }
    spec.commandLine().getOut().flush();
    return 0;
  }
}
