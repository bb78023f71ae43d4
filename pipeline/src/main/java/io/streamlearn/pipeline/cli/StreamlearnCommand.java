package io.streamlearn.pipeline.cli;

import io.streamlearn.pipeline.kafka.KafkaUnavailableException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bin/streamlearn}: the entry point of the command line and of the job jar. */
@Command(
    name = "streamlearn",
    mixinStandardHelpOptions = true,
    version = "streamlearn 0.1.0",
    description = "Online learning on Kafka streams: Flink trains a DL4J network per key.",
    subcommands = {
      DemoCommand.class,
      RunCommand.class,
      SavepointCommand.class,
      StopCommand.class,
      ProduceCommand.class,
      ConsumeCommand.class,
      ReportCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {
      "",
      "Examples:",
      "  bin/streamlearn demo --samples 50000",
      "  bin/streamlearn run --config job.yaml",
      "  bin/streamlearn stop --config job.yaml",
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --generate 10000",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic predictions --max 10"
    })
public final class StreamlearnCommand {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line as {@code main} runs it; tests set its output streams. */
  public static CommandLine commandLine() {
    return new CommandLine(new StreamlearnCommand())
        .setExecutionExceptionHandler(StreamlearnCommand::report);
  }

  /**
   * A bad input (a CSV row, a missing file) is reported in one line that says what to fix, and so
   * is a Kafka that cannot be used (unreachable servers, a missing topic); any other failure with
   * its stack trace, which is what a bug report needs.
   */
  private static int report(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
    if (e instanceof IllegalArgumentException) {
      command.getErr().println("streamlearn " + command.getCommandName() + ": " + e.getMessage());
      return 2;
    }
    if (e instanceof KafkaUnavailableException) {
      command.getErr().println("streamlearn " + command.getCommandName() + ": " + e.getMessage());
      return 1;
    }
    e.printStackTrace(command.getErr());
    return 1;
  }
}
