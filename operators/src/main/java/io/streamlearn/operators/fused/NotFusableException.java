package io.streamlearn.operators.fused;

/**
 * A network configuration the fused core cannot train exactly as DL4J would. The message says which
 * layer or setting is the reason, so that a caller falling back to the per-key path can tell the
 * user why.
 */
public final class NotFusableException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  NotFusableException(String reason) {
    super(reason);
  }
}
