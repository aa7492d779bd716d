package ai.hesso.djl.discovery;

import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Objects;

/**
 * The symbolic value flowing between blocks during discovery: the shape of the real tensor, which
 * axis holds the channels, and (internally) which producer made each run of channels.
 *
 * <p>A {@link LayerHandler} receives its block's inputs as traces and returns its outputs as
 * traces. It makes new ones through the {@link DiscoveryContext} ({@link DiscoveryContext#produce},
 * {@link DiscoveryContext#follow}, {@link DiscoveryContext#opaque}) or passes an input on with
 * {@link #withShape} when the block keeps the channels as they are.
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

    @Override
    public String toString() {
        return "Trace" + shape + " channels on axis " + channelAxis + " " + segments;
    }
}
