package io.streamlearn.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * What one command printed and how it exited, run in this JVM as {@code bin/streamlearn} runs it.
 */
record CliRun(int exitCode, String out, String err) {

  static CliRun streamlearn(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        StreamlearnCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new CliRun(exitCode, out.toString(), err.toString());
  }
}
