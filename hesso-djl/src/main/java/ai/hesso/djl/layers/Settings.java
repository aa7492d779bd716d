package ai.hesso.djl.layers;

import ai.hesso.djl.compact.CompactionException;
import ai.hesso.djl.discovery.DiscoveryContext;
import ai.hesso.djl.engine.DjlFields;
import java.util.Optional;

/**
 * Reads private settings of DJL blocks that have no getter (a batch norm's axis and epsilon, a
 * lambda's function, a parallel block's join). Discovery treats an unreadable setting as unknown
 * ({@link #find}); a rebuild stops with the block's path ({@link #read}): neither guesses a
 * default.
 */
final class Settings {

    private Settings() {}

    /**
     * Says whether a declared field is readable and null (a builder default the block resolves
     * later), as opposed to unreadable.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @return true when the field was read and is null
     */
    static boolean isNull(Object target, Class<?> owner, String name) {
        try {
            return field(target, owner, name) == null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Reads a declared field, or nothing when it cannot be read or is null.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @return the value
     */
    static Optional<Object> find(Object target, Class<?> owner, String name) {
        try {
            return Optional.ofNullable(field(target, owner, name));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Reads a declared field for a rebuild.
     *
     * @param target the block
     * @param owner the class that declares the field
     * @param name the field name
     * @param type the expected type
     * @param path the block's path, for the message
     * @param <T> the type
     * @return the value
     * @throws CompactionException when the field cannot be read or has another type
     */
    static <T> T read(Object target, Class<?> owner, String name, Class<T> type, String path) {
        return readNullable(target, owner, name, type, path)
                .orElseThrow(() -> wrongType(target, name, null, type, path));
    }

    /**
     * Reads a declared field for a rebuild where null is a valid setting: a builder default that
     * the block resolves at initialization (LayerNorm's {@code axis}).
     *
     * @param target the block
     * @param owner the class that declares the field
     * @param name the field name
     * @param type the expected type
     * @param path the block's path, for the message
     * @param <T> the type
     * @return the value, empty when it is null
     * @throws CompactionException when the field cannot be read or has another type
     */
    static <T> Optional<T> readNullable(
            Object target, Class<?> owner, String name, Class<T> type, String path) {
        Object value;
        try {
            value = field(target, owner, name);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + DiscoveryContext.displayPath(path)
                            + " ("
                            + target.getClass().getName()
                            + "): its setting '"
                            + name
                            + "' cannot be read ("
                            + e
                            + ")",
                    e);
        }
        if (value == null) {
            return Optional.empty();
        }
        if (!type.isInstance(value)) {
            throw wrongType(target, name, value, type, path);
        }
        return Optional.of(type.cast(value));
    }

    private static CompactionException wrongType(
            Object target, String name, Object value, Class<?> type, String path) {
        return new CompactionException(
                path,
                "cannot rebuild block "
                        + DiscoveryContext.displayPath(path)
                        + " ("
                        + target.getClass().getName()
                        + "): its setting '"
                        + name
                        + "' is "
                        + value
                        + ", expected a "
                        + type.getSimpleName());
    }

    /**
     * Writes a declared field, private or not (a rebuilt container's child names, which DJL's
     * builders cannot set).
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @param value the new value
     * @throws ReflectiveOperationException when the field does not exist or cannot be written
     */
    static void write(Object target, Class<?> owner, String name, Object value)
            throws ReflectiveOperationException {
        DjlFields.write(target, owner, name, value);
    }

    /** Reads a declared field, private or not. */
    private static Object field(Object target, Class<?> owner, String name)
            throws ReflectiveOperationException {
        return DjlFields.read(target, owner, name);
    }
}
