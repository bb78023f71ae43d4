package io.streamlearn.deploy;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A Dockerfile as its instructions: comments dropped, continued lines joined. Enough to check what
 * an image is built from and what it copies, without a Docker engine.
 */
record Dockerfile(List<Instruction> instructions) {

  /** One instruction: its keyword in upper case, its options (--from=...) and its arguments. */
  record Instruction(String keyword, Map<String, String> options, List<String> arguments) {}

  static Dockerfile parse(Path file) {
    List<Instruction> instructions = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String raw : Repository.text(file).split("\n", -1)) {
      String trimmed = raw.strip();
      if (line.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) {
        continue;
      }
      if (trimmed.endsWith("\\")) {
        line.append(trimmed, 0, trimmed.length() - 1).append(' ');
        continue;
      }
      line.append(trimmed);
      instructions.add(instruction(line.toString()));
      line.setLength(0);
    }
    return new Dockerfile(instructions);
  }

  private static Instruction instruction(String line) {
    List<String> words = new ArrayList<>(Arrays.asList(line.split("\\s+")));
    String keyword = words.remove(0).toUpperCase();
    Map<String, String> options = new TreeMap<>();
    while (!words.isEmpty() && words.get(0).startsWith("--")) {
      String[] option = words.remove(0).substring(2).split("=", 2);
      options.put(option[0], option.length > 1 ? option[1] : "");
    }
    return new Instruction(keyword, options, words);
  }

  List<Instruction> all(String keyword) {
    return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
  }

  /** The instructions of the last build stage: what the image is. */
  List<Instruction> finalStage() {
    int from = 0;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).keyword().equals("FROM")) {
        from = i;
      }
    }
    return instructions.subList(from, instructions.size());
  }

  /** ENV instructions of the final stage, each NAME=value. */
  Map<String, String> environment() {
    Map<String, String> environment = new TreeMap<>();
    for (Instruction env : finalStage()) {
      if (env.keyword().equals("ENV")) {
        for (String assignment : env.arguments()) {
          String[] parts = assignment.split("=", 2);
          environment.put(parts[0], parts[1]);
        }
      }
    }
    return environment;
  }
}
