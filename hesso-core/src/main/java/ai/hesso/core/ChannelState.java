package ai.hesso.core;

/** The state of one prunable channel. */
public enum ChannelState {
    /** Trained normally. */
    IMPORTANT,
    /** Being projected towards zero in the current period (or CRIC window). */
    REDUNDANT,
    /** Exactly zero for the rest of training. */
    PRUNED
}
