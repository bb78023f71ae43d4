package io.streamlearn.operators.evaluation;

import java.util.Arrays;

/**
 * A multiset of scores (floats, never NaN) that tells in O(log n) how many of them are below and
 * equal to a score, and takes and gives up one in O(log n) too. Scores compare as {@code <} and
 * {@code ==} do: -0 and 0 are one score.
 *
 * <p>It is a treap of the distinct scores, each node with its score's count and its subtree's
 * total, five ints side by side in one array, so that a step down the tree reads one place in
 * memory: 20 bytes per distinct score (less than the 25 of a classification record), up to twice
 * that while the array has room to grow into. A node's priority is a hash of its score, which
 * spares storing one.
 */
final class ScoreMultiset {

  // A node is the index of its first int in {@link #nodes}; these are the offsets of its fields.
  private static final int SCORE = 0; // the raw bits of the float
  private static final int LEFT = 1;
  private static final int RIGHT = 2;
  private static final int COUNT = 3;
  private static final int TOTAL = 4;
  private static final int NODE_INTS = 5;

  /** The node at 0 stands for no node: its total is 0, so a missing child counts nothing. */
  private static final int NIL = 0;

  private int[] nodes;
  private int root = NIL;

  /** Where the next new node goes; nodes freed before it chain through their LEFT. */
  private int end = NODE_INTS;

  private int free = NIL;

  private ScoreMultiset(int capacity) {
    nodes = new int[(capacity + 1) * NODE_INTS];
  }

  /** A multiset of its own with the same scores, in the same tree. */
  ScoreMultiset copy() {
    ScoreMultiset copy = new ScoreMultiset(0);
    copy.nodes = nodes.clone();
    copy.root = root;
    copy.end = end;
    copy.free = free;
    return copy;
  }

  /**
   * The multiset of {@code sorted}, in ascending order, built in linear time: the stack holds the
   * right spine of the treap so far, and each new score, the largest yet, hangs at its foot.
   */
  static ScoreMultiset ofSorted(float[] sorted) {
    ScoreMultiset set = new ScoreMultiset(sorted.length);
    int[] spine = new int[sorted.length];
    int depth = 0;
    for (float score : sorted) {
      if (depth > 0 && set.score(spine[depth - 1]) == score) {
        set.nodes[spine[depth - 1] + COUNT]++;
        continue;
      }
      int node = set.newNode(score);
      int below = NIL;
      while (depth > 0 && set.priority(spine[depth - 1]) < set.priority(node)) {
        below = spine[--depth];
        set.recount(below); // its subtree is complete once it leaves the spine
      }
      set.nodes[node + LEFT] = below;
      if (depth > 0) {
        set.nodes[spine[depth - 1] + RIGHT] = node;
      }
      spine[depth++] = node;
    }
    if (depth > 0) {
      set.root = spine[0];
    }
    while (depth > 0) {
      set.recount(spine[--depth]);
    }
    return set;
  }

  int size() {
    return nodes[root + TOTAL];
  }

  /**
   * Twice the number of scores below {@code score} plus the number equal to it: twice the wins and
   * once the ties of a score that is compared with each of them.
   */
  long twiceRank(float score) {
    long below = 0;
    int node = root;
    while (node != NIL) {
      float at = score(node);
      if (score < at) {
        node = nodes[node + LEFT];
      } else if (score > at) {
        // The node's total less its right subtree's, which the next step reads anyway.
        int right = nodes[node + RIGHT];
        below += nodes[node + TOTAL] - nodes[right + TOTAL];
        node = right;
      } else {
        return 2 * (below + nodes[nodes[node + LEFT] + TOTAL]) + nodes[node + COUNT];
      }
    }
    return 2 * below;
  }

  void add(float score) {
    if (free == NIL && end == nodes.length) {
      // Now, not during the descent, which holds on to the array.
      nodes = Arrays.copyOf(nodes, nodes.length * 2);
    }
    root = insert(root, score);
  }

  /** Removes one of the scores equal to {@code score}, which the multiset must hold. */
  void remove(float score) {
    root = delete(root, score);
  }

  private int insert(int node, float score) {
    if (node == NIL) {
      return newNode(score);
    }
    float at = score(node);
    if (score < at) {
      int child = insert(nodes[node + LEFT], score);
      nodes[node + LEFT] = child;
      if (priority(child) > priority(node)) {
        return rotate(node, LEFT, RIGHT);
      }
    } else if (score > at) {
      int child = insert(nodes[node + RIGHT], score);
      nodes[node + RIGHT] = child;
      if (priority(child) > priority(node)) {
        return rotate(node, RIGHT, LEFT);
      }
    } else {
      nodes[node + COUNT]++;
    }
    nodes[node + TOTAL]++;
    return node;
  }

  private int delete(int node, float score) {
    if (node == NIL) {
      throw new IllegalStateException("no score " + score + " to remove");
    }
    float at = score(node);
    if (score < at) {
      nodes[node + LEFT] = delete(nodes[node + LEFT], score);
    } else if (score > at) {
      nodes[node + RIGHT] = delete(nodes[node + RIGHT], score);
    } else if (nodes[node + COUNT] > 1) {
      nodes[node + COUNT]--;
    } else {
      int joined = join(nodes[node + LEFT], nodes[node + RIGHT]);
      nodes[node + LEFT] = free;
      free = node;
      return joined;
    }
    nodes[node + TOTAL]--;
    return node;
  }

  /** The treap of the scores of treaps {@code low} and {@code high}, all of whose are larger. */
  private int join(int low, int high) {
    if (low == NIL) {
      return high;
    }
    if (high == NIL) {
      return low;
    }
    if (priority(low) > priority(high)) {
      nodes[low + RIGHT] = join(nodes[low + RIGHT], high);
      recount(low);
      return low;
    }
    nodes[high + LEFT] = join(low, nodes[high + LEFT]);
    recount(high);
    return high;
  }

  /**
   * Lifts the node's child on side {@code up} (LEFT or RIGHT) into its place, the node becoming
   * that child's child on the {@code other} side, and returns the child.
   */
  private int rotate(int node, int up, int other) {
    int child = nodes[node + up];
    nodes[node + up] = nodes[child + other];
    nodes[child + other] = node;
    recount(node);
    recount(child);
    return child;
  }

  private void recount(int node) {
    nodes[node + TOTAL] =
        nodes[nodes[node + LEFT] + TOTAL]
            + nodes[nodes[node + RIGHT] + TOTAL]
            + nodes[node + COUNT];
  }

  private int newNode(float score) {
    int node = free;
    if (node == NIL) {
      node = end;
      end += NODE_INTS;
    } else {
      free = nodes[node + LEFT];
    }
    nodes[node + SCORE] = Float.floatToRawIntBits(score);
    nodes[node + LEFT] = NIL;
    nodes[node + RIGHT] = NIL;
    nodes[node + COUNT] = 1;
    nodes[node + TOTAL] = 1;
    return node;
  }

  private float score(int node) {
    return Float.intBitsToFloat(nodes[node + SCORE]);
  }

  /** A hash of the node's score (MurmurHash3's finalizer): random enough to balance the treap. */
  private int priority(int node) {
    int hash = nodes[node + SCORE];
    hash ^= hash >>> 16;
    hash *= 0x85ebca6b;
    hash ^= hash >>> 13;
    hash *= 0xc2b2ae35;
    return hash ^ hash >>> 16;
  }
}
