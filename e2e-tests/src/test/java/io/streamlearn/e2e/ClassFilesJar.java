package io.streamlearn.e2e;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/** Writes a jar holding only the named compiled classes and their nested classes. */
final class ClassFilesJar {

  private ClassFilesJar() {}

  static Path write(Path jar, Class<?>... classes) throws IOException {
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (OutputStream file = Files.newOutputStream(jar);
        JarOutputStream out = new JarOutputStream(file, manifest)) {
      for (Class<?> type : classes) {
        addWithNestedClasses(out, type);
      }
    }
    return jar;
  }

  private static void addWithNestedClasses(JarOutputStream out, Class<?> type) throws IOException {
    Path root = classesRoot(type);
    String entryName = type.getName().replace('.', '/') + ".class";
    Path classFile = root.resolve(entryName);
    add(out, entryName, classFile);

    String nestedPrefix = classFile.getFileName().toString().replace(".class", "$");
    String packageDir = entryName.substring(0, entryName.lastIndexOf('/') + 1);
    try (DirectoryStream<Path> nested =
        Files.newDirectoryStream(classFile.getParent(), nestedPrefix + "*.class")) {
      for (Path nestedClass : nested) {
        add(out, packageDir + nestedClass.getFileName(), nestedClass);
      }
    }
  }

  private static void add(JarOutputStream out, String entryName, Path classFile)
      throws IOException {
    out.putNextEntry(new JarEntry(entryName));
    Files.copy(classFile, out);
    out.closeEntry();
  }

  /** The directory this class was compiled into, such as {@code target/test-classes}. */
  private static Path classesRoot(Class<?> type) {
    try {
      Path root = Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException(type + " was not loaded from a classes directory");
      }
      return root;
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
