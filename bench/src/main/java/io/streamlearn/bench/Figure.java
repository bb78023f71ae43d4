package io.streamlearn.bench;

/**
 * One figure of bench/results.json: its measured value, its target and whether higher or lower is
 * better.
 */
record Figure(double value, double target, String better) {}
