"""Writes functional_two_branch_keras_3_model.h5 with Keras 3 (made with Keras 3.15.1,
TensorFlow 2.21.0 backend): a functional model, two Dense branches of the same input,
concatenated, then a 3-class softmax, trained for 5 epochs on random data and saved in Keras's
legacy HDF5 format. It shows that a Keras 3 file is refused with a clear message."""
import numpy as np
import keras

keras.utils.set_random_seed(7)
features = keras.Input(shape=(4,), name="features")
branch_a = keras.layers.Dense(8, activation="relu", name="branch_a")(features)
branch_b = keras.layers.Dense(8, activation="tanh", name="branch_b")(features)
merged = keras.layers.Concatenate(name="merge")([branch_a, branch_b])
scores = keras.layers.Dense(3, activation="softmax", name="scores")(merged)
model = keras.Model(features, scores, name="functional_two_branch")
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
x = np.random.default_rng(3).normal(size=(64, 4)).astype("float32")
y = (x[:, 0] + x[:, 1] > 0).astype("int32") + (x[:, 2] > 1).astype("int32")
model.fit(x, y, epochs=5, verbose=0)
model.save("functional_two_branch_keras_3_model.h5")
