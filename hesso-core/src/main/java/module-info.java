/**
 * HESSO's algorithm, engine-free: settings, node groups, saliency, schedules, CRIC and the driver.
 *
 * <p>Exported: what a user configures or reads. The identification state machine is exported only
 * to the DJL adapter, which drives it and saves it in checkpoints; the selection rules and the
 * reference engine (used by tests and the replay tool on the class path) are not exported.
 */
module ai.hesso.core {
    requires org.slf4j;

    exports ai.hesso.core;
    exports ai.hesso.core.cost;
    exports ai.hesso.core.cric;
    exports ai.hesso.core.group;
    exports ai.hesso.core.saliency;
    exports ai.hesso.core.schedule;
    exports ai.hesso.core.variant;
    exports ai.hesso.core.identification to
            ai.hesso.djl;
}
