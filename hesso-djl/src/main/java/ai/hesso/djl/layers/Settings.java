package ai.hesso.djl.layers;

import ai.hesso.djl.compact.CompactionException;
import java.lang.reflect.Field;
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
     * Reads a declared field.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @return the value, or empty when it cannot be read
     */
    static Optional<Object> find(Object target, Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return Optional.ofNullable(field.get(target));
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
        Object value;
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            value = field.get(target);
        } catch (ReflectiveOperationException | RuntimeException e) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + RebuildContext.display(path)
                            + " ("
                            + target.getClass().getName()
                            + "): its setting '"
                            + name
                            + "' cannot be read ("
                            + e
                            + ")",
                    e);
        }
        if (!type.isInstance(value)) {
            throw new CompactionException(
                    path,
                    "cannot rebuild block "
                            + RebuildContext.display(path)
                            + " ("
                            + target.getClass().getName()
                            + "): its setting '"
                            + name
                            + "' is "
                            + value
                            + ", expected a "
                            + type.getSimpleName());
        }
        return type.cast(value);
    }
}
