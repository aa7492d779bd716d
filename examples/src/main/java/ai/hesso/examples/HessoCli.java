package ai.hesso.examples;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code hesso} command line, run by {@code bin/hesso}: {@code hesso --help}, {@code hesso
 * --version}, {@code hesso <subcommand> --help}.
 *
 * <h2>Adding a subcommand</h2>
 *
 * <p>Write a class in this package annotated {@code @Command(name = "...", mixinStandardHelpOptions
 * = true, description = "...")} implementing {@code Callable<Integer>} (return the exit code; take
 * {@code --data DIR} with {@code @Mixin DataDirOption data;}), then list it in the {@code
 * subcommands} attribute below, in the order {@code --help} should list it.
 *
 * <p>Exit codes: 0 success, 1 a failure reported in one line (such as missing data), 2 a usage
 * error (including no subcommand).
 */
@Command(
        name = "hesso",
        mixinStandardHelpOptions = true,
        versionProvider = VersionInfo.Provider.class,
        description = "HESSO structured pruning for Deep Java Library (PyTorch engine).",
        subcommands = {
            DemoCommand.class,
            ReplayCommand.class,
            GroupsCommand.class,
            CompactCommand.class,
            BenchCommand.class,
            CricCommand.class,
            CheckCommand.class,
            InfoCommand.class,
            CommandLine.HelpCommand.class,
        })
public final class HessoCli implements Callable<Integer> {

    @Spec private CommandSpec spec;

    /** Creates the top-level command (picocli instantiates it). */
    public HessoCli() {}

    /**
     * Runs {@code hesso} with no subcommand: prints the usage to standard error.
     *
     * @return 2, a usage error
     */
    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("hesso: missing subcommand");
        spec.commandLine().usage(err);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }

    /**
     * Builds the command line with the house failure handling ({@link CliFailures}): every failure
     * is one line {@code hesso <command>: <message>}, exit code 1, and a usage error one line with
     * exit code 2; stack traces only with {@code HESSO_DEBUG} set.
     *
     * @return a new command line for {@code hesso}
     */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new HessoCli());
        CliFailures failures = new CliFailures(System.getenv(CliFailures.DEBUG_VARIABLE) != null);
        cli.setExecutionExceptionHandler(failures);
        cli.setParameterExceptionHandler(failures);
        return cli;
    }

    /**
     * Runs the command line and exits the JVM with its exit code.
     *
     * @param args the command-line arguments
     */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
