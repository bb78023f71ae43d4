package io.streamlearn.operators;

import io.streamlearn.operators.state.FeatureStatistics;
import io.streamlearn.operators.state.KeyModelState;
import io.streamlearn.schemas.ModelFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The model of each key, when keys of one job train different models ({@link
 * TrainerSettings#overrides()}): {@link #select} makes it the model of a key, the first override
 * whose pattern matches the whole key or else the default, and every other method acts on that
 * model. Each distinct {@link ModelSpec} gets one {@link KeyModel}, so one network per subtask,
 * which all keys of that spec share.
 */
public final class KeyModelChoice implements KeyModel {

  private final ModelSpec defaultSpec;
  private final KeyModel defaultModel;
  private final List<Pattern> patterns = new ArrayList<>();
  private final List<ModelSpec> overriddenSpecs = new ArrayList<>();
  private final List<KeyModel> overridden = new ArrayList<>();
  private ModelSpec selectedSpec;
  private KeyModel selected;
  private String selectedKey;

  /** Builds each distinct spec's model with {@code create}; call it on the task thread. */
  KeyModelChoice(TrainerSettings settings, Function<ModelSpec, KeyModel> create) {
    Map<ModelSpec, KeyModel> bySpec = new LinkedHashMap<>();
    this.defaultSpec = settings.defaultModel();
    this.defaultModel = bySpec.computeIfAbsent(defaultSpec, create);
    for (ModelOverride override : settings.overrides()) {
      patterns.add(Pattern.compile(override.pattern()));
      overriddenSpecs.add(override.model());
      overridden.add(bySpec.computeIfAbsent(override.model(), create));
    }
    this.selectedSpec = defaultSpec;
    this.selected = defaultModel;
  }

  /** Makes this the model of {@code key}: the first matching override's, or the default. */
  public void select(String key) {
    // Every entry point of a key's step selects, so a key is selected again and again, once per
    // sample at least: match the patterns only when the key changes.
    if (key.equals(selectedKey)) {
      return;
    }
    selectedKey = key;
    int override = overrideOf(key);
    selectedSpec = override < 0 ? defaultSpec : overriddenSpecs.get(override);
    selected = override < 0 ? defaultModel : overridden.get(override);
  }

  /** The model of {@code key}, without selecting it. */
  KeyModel modelOf(String key) {
    int override = overrideOf(key);
    return override < 0 ? defaultModel : overridden.get(override);
  }

  /** The number of the first override whose pattern matches the whole key; -1 for none. */
  private int overrideOf(String key) {
    for (int i = 0; i < patterns.size(); i++) {
      if (patterns.get(i).matcher(key).matches()) {
        return i;
      }
    }
    return -1;
  }

  /**
   * The selected model's new key state, with its spec's initial feature statistics: a key that
   * starts from another key's checkpoint scales its features as that key did.
   */
  @Override
  public KeyModelState newKeyState(long nowMillis) {
    KeyModelState state = selected.newKeyState(nowMillis);
    FeatureStatistics initial = selectedSpec.initialStatistics();
    if (initial != null) {
      // A deep copy: the key's statistics are updated in place.
      state.setScaler(FeatureStatistics.newBuilder(initial).build());
    }
    return state;
  }

  /**
   * Loads the key's state into its model.
   *
   * @throws KeyStateMismatchException, naming the key, if the state was written by another network
   *     than the key's model now has: its configuration or its override changed
   */
  @Override
  public void load(KeyModelState state) {
    try {
      selected.load(state);
    } catch (KeyStateMismatchException e) {
      throw new KeyStateMismatchException(
          "key '"
              + selectedKey
              + "': "
              + e.getMessage()
              + ". Its model changed since the state was written (model.* or which of"
              + " model.overrides matches it): restore with the configuration that wrote the"
              + " state, or start without the state",
          e);
    }
  }

  @Override
  public void store(KeyModelState state) {
    selected.store(state);
  }

  @Override
  public float[][] predict(ModelInput samples) {
    return selected.predict(samples);
  }

  @Override
  public boolean fit(ModelInput samples) {
    return selected.fit(samples);
  }

  @Override
  public int stepsPerBatch() {
    return selected.stepsPerBatch();
  }

  @Override
  public void setLearningRateFactor(double factor) {
    selected.setLearningRateFactor(factor);
  }

  @Override
  public long lastStepNanos() {
    return selected.lastStepNanos();
  }

  @Override
  public double lastLoss() {
    return selected.lastLoss();
  }

  @Override
  public byte[] serializedModel() {
    return selected.serializedModel();
  }

  @Override
  public ModelFormat format() {
    return selected.format();
  }

  @Override
  public String configDigest() {
    return selected.configDigest();
  }
}
