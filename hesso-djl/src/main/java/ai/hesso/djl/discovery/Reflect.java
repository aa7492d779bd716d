package ai.hesso.djl.discovery;

import java.lang.reflect.Field;
import java.util.Optional;

/**
 * Reads private configuration of DJL blocks that has no getter (a batch norm's axis, a parallel
 * block's join function). An empty result means the handler must not rely on the value.
 */
final class Reflect {

    private Reflect() {}

    /**
     * Reads a declared field.
     *
     * @param target the object
     * @param owner the class that declares the field
     * @param name the field name
     * @return the value, or empty when it cannot be read
     */
    static Optional<Object> field(Object target, Class<?> owner, String name) {
        try {
            Field field = owner.getDeclaredField(name);
            field.setAccessible(true);
            return Optional.ofNullable(field.get(target));
        } catch (ReflectiveOperationException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
