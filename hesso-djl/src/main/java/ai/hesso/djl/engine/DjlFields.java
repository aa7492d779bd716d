package ai.hesso.djl.engine;

import java.lang.reflect.Field;

/**
 * The library's one door into private fields of DJL's blocks: settings DJL's blocks keep but do not
 * expose (a layer norm's axes, a parallel block's join) and the child names of a rebuilt container,
 * which DJL's builders cannot set. Internal (this package is not exported); every reader turns a
 * failure into its own message.
 */
public final class DjlFields {

    private DjlFields() {}

    /**
     * Reads a declared field, private or not.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @return the value
     * @throws ReflectiveOperationException when the field does not exist or cannot be read
     */
    public static Object read(Object target, Class<?> owner, String name)
            throws ReflectiveOperationException {
        return accessible(owner, name).get(target);
    }

    /**
     * Writes a declared field, private or not.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @param value the new value
     * @throws ReflectiveOperationException when the field does not exist or cannot be written
     */
    public static void write(Object target, Class<?> owner, String name, Object value)
            throws ReflectiveOperationException {
        accessible(owner, name).set(target, value);
    }

    private static Field accessible(Class<?> owner, String name) throws NoSuchFieldException {
        Field field = owner.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
