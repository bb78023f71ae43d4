"""Writes the Keras 2 functional form of a Keras 2 Sequential HDF5 model.

The Sequential model simple_sparse_xent_mlp_keras_2_model.h5 was written by Keras 2.3.1. Keras 2
saved a functional model ("class_name": "Model") in the same HDF5 layout: the same weight groups
(model_weights/<layer>/<layer>/kernel:0 ...), and a model_config attribute that lists an InputLayer
and each layer's inbound nodes. This script copies the file and rewrites model_config alone into
that form, so the weights, and therefore the outputs Keras computed for them
(simple_sparse_xent_mlp_keras_2_inputs_and_outputs.h5), are unchanged. DL4J imports the result
through its functional-model path, as a ComputationGraph.

Run: python3 functional_from_sequential.py (needs h5py).
"""

import json
import shutil

import h5py

SEQUENTIAL = "simple_sparse_xent_mlp_keras_2_model.h5"
FUNCTIONAL = "simple_sparse_xent_mlp_keras_2_functional_model.h5"


def functional_config(sequential):
    layers = sequential["config"]["layers"]
    first = layers[0]["config"]
    input_name = "input_1"
    functional_layers = [
        {
            "name": input_name,
            "class_name": "InputLayer",
            "config": {
                "batch_input_shape": first["batch_input_shape"],
                "dtype": first["dtype"],
                "sparse": False,
                "name": input_name,
            },
            "inbound_nodes": [],
        }
    ]
    previous = input_name
    for layer in layers:
        config = {k: v for k, v in layer["config"].items() if k != "batch_input_shape"}
        functional_layers.append(
            {
                "name": config["name"],
                "class_name": layer["class_name"],
                "config": config,
                "inbound_nodes": [[[previous, 0, 0, {}]]],
            }
        )
        previous = config["name"]
    return {
        "class_name": "Model",
        "config": {
            "name": "model_1",
            "layers": functional_layers,
            "input_layers": [[input_name, 0, 0]],
            "output_layers": [[previous, 0, 0]],
        },
    }


def main():
    shutil.copyfile(SEQUENTIAL, FUNCTIONAL)
    with h5py.File(FUNCTIONAL, "r+") as model:
        sequential = json.loads(model.attrs["model_config"])
        assert sequential["class_name"] == "Sequential", sequential["class_name"]
        model.attrs["model_config"] = json.dumps(functional_config(sequential))


if __name__ == "__main__":
    main()
