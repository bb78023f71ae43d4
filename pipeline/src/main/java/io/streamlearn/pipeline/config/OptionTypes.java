package io.streamlearn.pipeline.config;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.configuration.ConfigOption;

/**
 * The value type of each option, read from the generic type of its constant in {@link
 * StreamlearnOptions}: Flink keeps the type inside ConfigOption package-private, and repeating it
 * by hand could drift from the declaration.
 */
final class OptionTypes {

  private static final Map<String, Type> TYPE_BY_KEY =
      declaredConstants().stream()
          .collect(Collectors.toMap(field -> constantValue(field).key(), OptionTypes::valueType));

  private OptionTypes() {}

  /** True for options declared as {@code ConfigOption<List<E>>}. */
  static boolean isList(ConfigOption<?> option) {
    return typeOf(option) instanceof ParameterizedType;
  }

  /**
   * The value class, or for a list option the class of its elements ({@code Map} for a list of
   * maps).
   */
  static Class<?> valueClass(ConfigOption<?> option) {
    Type type = typeOf(option);
    Type element = type instanceof ParameterizedType list ? list.getActualTypeArguments()[0] : type;
    return (Class<?>)
        (element instanceof ParameterizedType generic ? generic.getRawType() : element);
  }

  /** True for options declared as {@code ConfigOption<List<Map<String, String>>>}. */
  static boolean isListOfMaps(ConfigOption<?> option) {
    return isList(option) && valueClass(option) == Map.class;
  }

  private static Type typeOf(ConfigOption<?> option) {
    Type type = TYPE_BY_KEY.get(option.key());
    if (type == null) {
      throw new IllegalArgumentException(option.key() + " is not a StreamlearnOptions constant");
    }
    return type;
  }

  private static List<Field> declaredConstants() {
    return Arrays.stream(StreamlearnOptions.class.getFields())
        .filter(field -> Modifier.isStatic(field.getModifiers()))
        .filter(field -> field.getType() == ConfigOption.class)
        .toList();
  }

  private static ConfigOption<?> constantValue(Field field) {
    try {
      return (ConfigOption<?>) field.get(null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("public constant " + field + " is not readable", e);
    }
  }

  private static Type valueType(Field field) {
    return ((ParameterizedType) field.getGenericType()).getActualTypeArguments()[0];
  }
}
