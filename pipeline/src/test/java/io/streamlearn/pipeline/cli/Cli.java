package io.streamlearn.pipeline.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Runs {@code bin/streamlearn} in this JVM, through the entry point main uses, and keeps what it
 * printed.
 */
final class Cli {

  private Cli() {}

  static Result streamlearn(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exitCode =
        StreamlearnCommand.commandLine()
            .setOut(new PrintWriter(out, true))
            .setErr(new PrintWriter(err, true))
            .execute(args);
    return new Result(exitCode, out.toString(), err.toString());
  }

  record Result(int exitCode, String out, String err) {}
}
