package io.streamlearn.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The part of {@code kustomize build} that k8s/ uses: resources (files and directories with a
 * kustomization.yaml), configMapGenerator from files without name hashes, strategic-merge patches
 * (maps merged, lists of named items merged by name, other lists replaced). Anything else in a
 * kustomization fails the build, so that k8s/ cannot start using a feature this does not render.
 */
final class Kustomize {

  private static final List<String> SUPPORTED =
      List.of(
          "apiVersion", "kind", "resources", "configMapGenerator", "generatorOptions", "patches");

  private Kustomize() {}

  static List<ObjectNode> build(Path directory) {
    JsonNode kustomization = Repository.yaml(directory.resolve("kustomization.yaml"));
    kustomization
        .fieldNames()
        .forEachRemaining(
            field -> {
              if (!SUPPORTED.contains(field)) {
                throw new IllegalArgumentException(directory + ": unsupported field " + field);
              }
            });
    List<ObjectNode> resources = new ArrayList<>();
    for (JsonNode resource : kustomization.path("resources")) {
      Path path = directory.resolve(resource.asText()).normalize();
      if (Files.isDirectory(path)) {
        resources.addAll(build(path));
      } else {
        Repository.yamlDocuments(path).forEach(d -> resources.add((ObjectNode) d));
      }
    }
    for (JsonNode generator : kustomization.path("configMapGenerator")) {
      if (!kustomization.path("generatorOptions").path("disableNameSuffixHash").asBoolean()) {
        throw new IllegalArgumentException(directory + ": name hashes are not rendered");
      }
      resources.add(configMap(directory, generator));
    }
    for (JsonNode patch : kustomization.path("patches")) {
      JsonNode overlay = Repository.yaml(directory.resolve(patch.path("path").asText()));
      ObjectNode target = find(resources, overlay);
      merge(target, overlay);
    }
    return resources;
  }

  private static ObjectNode configMap(Path directory, JsonNode generator) {
    ObjectNode configMap = Repository.YAML.createObjectNode();
    configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
    configMap.putObject("metadata").put("name", generator.path("name").asText());
    ObjectNode data = configMap.putObject("data");
    for (JsonNode file : generator.path("files")) {
      data.put(file.asText(), Repository.text(directory.resolve(file.asText())));
    }
    return configMap;
  }

  private static ObjectNode find(List<ObjectNode> resources, JsonNode patch) {
    return resources.stream()
        .filter(r -> r.path("kind").equals(patch.path("kind")))
        .filter(r -> r.path("metadata").path("name").equals(patch.path("metadata").path("name")))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("patch matches no resource: " + patch));
  }

  /** Strategic merge: what {@code kubectl} does for the fields k8s/ patches. */
  static void merge(ObjectNode target, JsonNode patch) {
    for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode existing = target.get(field.getKey());
      JsonNode value = field.getValue();
      if (existing instanceof ObjectNode object && value.isObject()) {
        merge(object, value);
      } else if (existing instanceof ArrayNode list && isNamedList(value)) {
        mergeByName(list, value);
      } else {
        target.set(field.getKey(), value.deepCopy());
      }
    }
  }

  private static boolean isNamedList(JsonNode list) {
    if (!list.isArray() || list.isEmpty()) {
      return false;
    }
    for (JsonNode item : list) {
      if (!item.has("name")) {
        return false;
      }
    }
    return true;
  }

  private static void mergeByName(ArrayNode target, JsonNode patch) {
    for (JsonNode item : patch) {
      ObjectNode match = null;
      for (JsonNode existing : target) {
        if (existing.path("name").equals(item.path("name"))) {
          match = (ObjectNode) existing;
        }
      }
      if (match == null) {
        target.add(item.deepCopy());
      } else {
        merge(match, item);
      }
    }
  }
}
