package ai.hesso.djl.discovery;

/**
 * A run of consecutive channels of a traced value that all come from one producer node.
 *
 * @param node the producer node id in the {@link ChannelGraph}
 * @param channels how many channels the run holds
 * @param columnsPerChannel how many consecutive indices on the channel axis one channel covers (1,
 *     or {@code H * W} after a flatten)
 */
record Segment(int node, long channels, long columnsPerChannel) {

    /**
     * Returns the width of the run on the channel axis.
     *
     * @return {@code channels * columnsPerChannel}
     */
    long width() {
        return channels * columnsPerChannel;
    }
}
