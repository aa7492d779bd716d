package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * The symbolic value flowing between blocks during discovery: the shape of the real tensor, which
 * axis holds the channels, and which producer made each run of channels.
 *
 * @param segments the runs of channels, in order along the channel axis
 * @param shape the tensor's shape
 * @param channelAxis the axis that holds the channels
 */
record Trace(List<Segment> segments, Shape shape, int channelAxis) {

    Trace {
        segments = List.copyOf(segments);
    }

    /**
     * A value made by one producer node.
     *
     * @param node the node id
     * @param shape the shape
     * @param channelAxis the channel axis
     * @return the trace
     */
    static Trace of(int node, Shape shape, int channelAxis) {
        return new Trace(List.of(new Segment(node, shape.get(channelAxis), 1)), shape, channelAxis);
    }

    /**
     * Returns the same segments with another shape.
     *
     * @param newShape the shape after a channel-preserving block
     * @return the trace
     */
    Trace withShape(Shape newShape) {
        return new Trace(segments, newShape, channelAxis);
    }

    /**
     * Whether the channels lie on the last axis.
     *
     * @return true when {@code channelAxis == rank - 1}
     */
    boolean channelsLast() {
        return channelAxis == shape.dimension() - 1;
    }
}
