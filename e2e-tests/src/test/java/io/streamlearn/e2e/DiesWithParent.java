package io.streamlearn.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

/**
 * Runs another main class, and halts the JVM once standard input reaches end of file.
 *
 * <p>The parent (a test JVM) keeps the write end of this process's stdin pipe open and never writes
 * to it. However the parent ends, even by SIGKILL, the operating system closes that pipe, so this
 * process cannot outlive it and keep ports, memory or CPU on the machine. The parent's orderly stop
 * is a SIGTERM instead, which lets the wrapped program run its shutdown hooks.
 *
 * <p>Usage: {@code java -cp ... DiesWithParent <main class> [args...]}
 */
public final class DiesWithParent {

  private DiesWithParent() {}

  public static void main(String[] args) throws Throwable {
    Thread watcher = new Thread(DiesWithParent::haltAtEndOfStdin, "dies-with-parent");
    watcher.setDaemon(true);
    watcher.start();

    try {
      Class.forName(args[0])
          .getMethod("main", String[].class)
          .invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }

  private static void haltAtEndOfStdin() {
    try {
      System.in.transferTo(OutputStream.nullOutputStream());
    } catch (IOException e) {
      // A broken pipe means the parent is gone just as well.
    }
    // halt, not exit: shutdown hooks could block, and nobody is left to wait for them.
    Runtime.getRuntime().halt(1);
  }
}
