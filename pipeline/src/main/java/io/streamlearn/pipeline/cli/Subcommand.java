package io.streamlearn.pipeline.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A {@code streamlearn} subcommand. It writes through picocli's streams rather than System.out, so
 * that tests (and callers embedding the CLI) can capture what it prints. Exit codes: 0 success, 1
 * failure at run time, 2 bad arguments or configuration.
 */
abstract class Subcommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  PrintWriter out() {
    return spec.commandLine().getOut();
  }

  PrintWriter err() {
    return spec.commandLine().getErr();
  }
}
