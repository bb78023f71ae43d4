import java.io.File;
import java.net.URL;
import java.util.Enumeration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.bytedeco.javacpp.Loader;

/**
 * Unpacks the native libraries of every platform jar given (nd4j-native or nd4j-cuda, OpenBLAS,
 * JavaCPP, ...) into JavaCPP's cache, {@code -Dorg.bytedeco.javacpp.cachedir}, the way JavaCPP
 * does on first use, but without loading them: the GPU image is built on machines without a GPU
 * driver, where loading CUDA's libraries fails. A container started from the image then finds
 * them there instead of unpacking some 400 MB into every new TaskManager.
 *
 * <p>Run by the images' builds with Java's source launcher: {@code java -cp "lib/*"
 * -Dorg.bytedeco.javacpp.cachedir=DIR CacheNativeLibraries.java lib/*-linux-x86_64.jar}.
 */
public final class CacheNativeLibraries {

  public static void main(String[] jars) throws Exception {
    String platform = Loader.getPlatform();
    int cached = 0;
    for (String jar : jars) {
      try (JarFile file = new JarFile(jar)) {
        for (Enumeration<JarEntry> entries = file.entries(); entries.hasMoreElements(); ) {
          JarEntry entry = entries.nextElement();
          if (!entry.isDirectory() && entry.getName().contains("/" + platform + "/")) {
            URL url = new URL("jar:" + new File(jar).toURI() + "!/" + entry.getName());
            Loader.cacheResource(url);
            cached++;
          }
        }
      }
    }
    if (cached == 0) {
      throw new IllegalStateException("no " + platform + " native library in " + String.join(" ", jars));
    }
    System.out.println(cached + " native files cached in " + Loader.getCacheDir());
  }
}
