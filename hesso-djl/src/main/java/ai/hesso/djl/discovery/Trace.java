package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * The symbolic value flowing between blocks during discovery: the shape of the real tensor, which
 * axis holds the channels, and (internally) which producer made each run of channels.
 *
 * <p>A {@link ai.hesso.djl.layers.LayerSupport} receives its block's inputs as traces and returns
 * its outputs as traces. It makes new ones through the {@link DiscoveryContext} ({@link
 * DiscoveryContext#produce}, {@link DiscoveryContext#follow}, {@link DiscoveryContext#opaque}) or
 * passes an input on with {@link #withShape} when the block keeps the channels as they are.
 */
public final class Trace {

    private final List<Segment> segments;
    private final Shape shape;
    private final int channelAxis;

    Trace(List<Segment> segments, Shape shape, int channelAxis) {
        this.segments = List.copyOf(segments);
        this.shape = Objects.requireNonNull(shape, "shape");
        this.channelAxis = channelAxis;
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
     * Returns the runs of channels, in order along the channel axis.
     *
     * @return the segments
     */
    List<Segment> segments() {
        return segments;
    }

    /**
     * Returns the shape of the real tensor, batch axis first.
     *
     * @return the shape
     */
    public Shape shape() {
        return shape;
    }

    /**
     * Returns the axis that holds the channels.
     *
     * @return the channel axis
     */
    public int channelAxis() {
        return channelAxis;
    }

    /**
     * Returns the same channels with another shape, for a block that keeps every channel where it
     * is and does not mix them (an activation, pooling).
     *
     * @param newShape the shape after the block
     * @return the trace
     */
    public Trace withShape(Shape newShape) {
        return new Trace(segments, newShape, channelAxis);
    }

    /**
     * Whether one producer made every channel, one index per channel (no concatenation, no flatten
     * in between).
     *
     * @return true when a channel-wise layer's parameters can follow the producer's channels
     */
    public boolean singleProducer() {
        return segments.size() == 1 && segments.get(0).columnsPerChannel() == 1;
    }

    /**
     * Returns the same channels with another shape and channel axis, for a block that moves the
     * channels without mixing them (a mean over the tokens of {@code (N, T, C)} gives {@code (N,
     * C)}).
     *
     * @param newShape the shape after the block
     * @param newChannelAxis the axis that holds the same channels after the block
     * @return the trace
     */
    public Trace withShape(Shape newShape, int newChannelAxis) {
        return new Trace(segments, newShape, newChannelAxis);
    }

    /**
     * Returns the channels after a batch flatten {@code (N, C, ...) -> (N, C * spatial)}: each
     * channel now covers {@code spatial} times as many consecutive columns.
     *
     * @param spatial the number of values per channel that were flattened together, at least 1
     * @param newShape the flattened shape, channels on axis 1
     * @return the trace
     */
    public Trace flattened(long spatial, Shape newShape) {
        List<Segment> out = new java.util.ArrayList<>();
        for (Segment s : segments) {
            out.add(new Segment(s.node(), s.channels(), s.columnsPerChannel() * spatial));
        }
        return new Trace(out, newShape, 1);
    }

    /**
     * Returns the concatenation of traces along their channel axis: the channels of each part at
     * their offsets, in order.
     *
     * @param parts the parts, each with its channels on {@code axis} (see {@link
     *     DiscoveryContext#relayout})
     * @param newShape the concatenated shape
     * @param axis the channel axis of the parts and of the result
     * @return the trace
     */
    public static Trace concat(List<Trace> parts, Shape newShape, int axis) {
        List<Segment> out = new java.util.ArrayList<>();
        for (Trace t : parts) {
            if (t.channelAxis != axis) {
                throw new IllegalArgumentException(
                        "concatenated trace has its channels on axis "
                                + t.channelAxis
                                + ", not "
                                + axis);
            }
            out.addAll(t.segments);
        }
        return new Trace(out, newShape, axis);
    }

    @Override
    public String toString() {
        return "Trace" + shape + " channels on axis " + channelAxis + " " + segments;
    }
}
