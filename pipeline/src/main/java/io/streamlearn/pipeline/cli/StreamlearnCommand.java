package io.streamlearn.pipeline.cli;

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
      "  bin/streamlearn produce --bootstrap-servers localhost:9092 --topic samples --generate 10000",
      "  bin/streamlearn consume --bootstrap-servers localhost:9092 --topic predictions --max 10"
    })
public final class StreamlearnCommand {

  public static void main(String[] args) {
    System.exit(new CommandLine(new StreamlearnCommand()).execute(args));
  }
}
