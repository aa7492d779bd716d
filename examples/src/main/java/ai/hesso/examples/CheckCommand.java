package ai.hesso.examples;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code hesso check <what>}: checks of the library on whole models; {@code hesso check zoo} is the
 * zoo sweep ({@link ZooCheckCommand}).
 */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = "Soundness checks on whole models: check zoo.",
        subcommands = {ZooCheckCommand.class})
public final class CheckCommand implements Callable<Integer> {

    @Spec private CommandSpec spec;

    /** Creates the command (picocli instantiates it). */
    public CheckCommand() {}

    /**
     * Runs {@code hesso check} with no subcommand: prints the usage to standard error.
     *
     * @return 2, a usage error
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hesso check: missing subcommand (zoo)");
        spec.commandLine().usage(err);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }
}
