package ai.hesso.djl.compact;

import java.lang.reflect.Field;

/**
 * Reads private settings of DJL layers that have no getter (a batch norm's axis and epsilon, a
 * lambda's function, a parallel block's join). A setting that cannot be read stops compaction with
 * the block's path: it never guesses a default.
 */
final class Fields {

    private Fields() {}

    /**
     * Reads a declared field.
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
                            + Compaction.display(path)
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
                            + Compaction.display(path)
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
