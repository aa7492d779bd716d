package ai.hesso.core;

import ai.hesso.core.cric.CricSettings;
import ai.hesso.core.saliency.SaliencyMix;
import ai.hesso.core.schedule.PruningSchedule;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pruning settings of HESSO: target, schedule, saliency mix, {@code groupDivisible} and,
 * optionally, CRIC. Immutable; build with {@link #builder()}.
 *
 * <p>The target is either a group sparsity (the fraction of prunable channels to remove, {@link
 * Builder#optTargetGroupSparsity}) or a compute budget (the fraction of the dense model's
 * multiply-accumulates to keep, {@link Builder#optTargetMacs}); the second needs a cost model from
 * the engine adapter and is spent by {@link ai.hesso.core.selection.MacBudgetSelection}.
 *
 * <p>With CRIC the redundant channels are identified by the corrective cycles instead of the
 * periods, so {@code startPruningStep}, {@code pruningSteps} and {@code pruningPeriods} are not
 * used and need not be set.
 */
public final class HessoSettings {

    private static final Logger LOG = LoggerFactory.getLogger(HessoSettings.class);

    /** The target group sparsity when neither target is set. */
    public static final double DEFAULT_TARGET_GROUP_SPARSITY = 0.5;

    /** The number of periods {@link Builder#optSchedule} uses unless told otherwise. */
    public static final int DEFAULT_SCHEDULED_PERIODS = 5;

    private final double targetGroupSparsity;
    private final Double targetMacs;
    private final PruningSchedule schedule;
    private final int groupDivisible;
    private final SaliencyMix saliency;
    private final CricSettings cric;
    private final Allocation allocation;
    private final GroupSparsityBounds bounds;

    private HessoSettings(Builder builder, PruningSchedule schedule) {
        this.targetMacs = builder.targetMacs;
        this.targetGroupSparsity =
                builder.targetGroupSparsity != null
                        ? builder.targetGroupSparsity
                        : targetMacs != null ? 0 : DEFAULT_TARGET_GROUP_SPARSITY;
        this.schedule = schedule;
        this.groupDivisible = builder.groupDivisible;
        this.saliency = builder.saliency;
        this.cric = builder.cric;
        this.allocation = builder.allocation;
        this.bounds = builder.bounds;
    }

    /**
     * Starts a builder. Defaults: target group sparsity 0.5, no warm-up, one period, {@code
     * groupDivisible = 1}, the default saliency mix, no CRIC; {@code pruningSteps} must be set
     * unless CRIC is used.
     *
     * @return a builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the fraction of prunable channels to prune, in {@code [0, 1)}.
     *
     * @return the target group sparsity {@code s}; 0 when a MAC budget is the target instead
     */
    public double targetGroupSparsity() {
        return targetGroupSparsity;
    }

    /**
     * Returns the compute budget, when it is the target: the fraction of the dense model's
     * multiply-accumulates that the pruned model may keep.
     *
     * @return the fraction in {@code (0, 1)}, or empty when the target is a group sparsity
     */
    public OptionalDouble targetMacs() {
        return targetMacs == null ? OptionalDouble.empty() : OptionalDouble.of(targetMacs);
    }

    /**
     * Returns the period schedule; empty with CRIC.
     *
     * @return the schedule
     */
    public Optional<PruningSchedule> schedule() {
        return Optional.ofNullable(schedule);
    }

    /**
     * Returns the multiple that each node group's remaining channel count is rounded up to.
     *
     * @return {@code groupDivisible}, at least 1
     */
    public int groupDivisible() {
        return groupDivisible;
    }

    /**
     * Returns the saliency mix.
     *
     * @return the mix
     */
    public SaliencyMix saliency() {
        return saliency;
    }

    /**
     * Returns how a period's quota is spread over the prunable groups.
     *
     * @return the allocation, {@link Allocation#GLOBAL} unless set
     */
    public Allocation allocation() {
        return allocation;
    }

    /**
     * Returns the per-group floor and cap of the global selection.
     *
     * @return the bounds, {@link GroupSparsityBounds#NONE} unless set
     */
    public GroupSparsityBounds groupSparsityBounds() {
        return bounds;
    }

    /**
     * Returns the CRIC settings, when CRIC is on.
     *
     * @return the settings, or empty for plain HESSO
     */
    public Optional<CricSettings> cric() {
        return Optional.ofNullable(cric);
    }

    /**
     * Returns the target {@code K = floor(N * min(s, 0.999))} for {@code N} prunable channels.
     *
     * @param prunableChannels N
     * @return K
     */
    public int targetChannels(int prunableChannels) {
        return (int) Math.floor(prunableChannels * Math.min(targetGroupSparsity, 0.999));
    }

    /**
     * Returns these settings as named values, for checkpoints: {@code target.groupSparsity} (and
     * {@code target.macs} when a compute budget is the target), {@code schedule.*} (without CRIC),
     * {@code groupDivisible}, {@code allocation} (absent from checkpoints written before it
     * existed: {@code GLOBAL}), {@code saliency.<criterion>} and {@code cric.*} (with CRIC).
     *
     * @return the fingerprint
     */
    public SettingsFingerprint fingerprint() {
        SettingsFingerprint.Builder b = SettingsFingerprint.builder();
        b.add("target.groupSparsity", targetGroupSparsity);
        if (targetMacs != null) {
            b.add("target.macs", targetMacs);
        }
        if (schedule != null) {
            b.add("schedule.startPruningStep", schedule.startPruningStep());
            b.add("schedule.pruningSteps", schedule.pruningSteps());
            b.add("schedule.pruningPeriods", schedule.pruningPeriods());
        }
        b.add("groupDivisible", groupDivisible);
        b.add("allocation", allocation.name());
        b.add("groupSparsity.floor", bounds.floor());
        b.add("groupSparsity.cap", bounds.cap());
        saliency.weights()
                .forEach((criterion, weight) -> b.add("saliency." + criterion.key(), weight));
        if (cric != null) {
            b.add("cric.startCricStep", cric.startCricStep());
            b.add("cric.samplingSteps", cric.samplingSteps());
            b.add("cric.maxCycles", cric.maxCycles());
            b.add("cric.tolerance", cric.tolerance());
            b.add("cric.hybridTrainingSteps", cric.hybridTrainingSteps());
            b.add("cric.trialSparsities", Arrays.toString(cric.trialSparsities()));
            b.add("cric.lossWeight", cric.lossWeight());
        }
        return b.build();
    }

    @Override
    public String toString() {
        return "HessoSettings["
                + (targetMacs == null
                        ? "targetGroupSparsity=" + targetGroupSparsity
                        : "targetMacs=" + targetMacs)
                + ", schedule="
                + schedule
                + ", groupDivisible="
                + groupDivisible
                + ", allocation="
                + allocation
                + ", groupSparsityBounds="
                + bounds
                + ", saliency={"
                + saliency
                + "}, cric="
                + cric
                + "]";
    }

    /** Builds {@link HessoSettings}: {@code setX} for required settings, {@code optX} otherwise. */
    public static final class Builder {
        private Double targetGroupSparsity;
        private Double targetMacs;
        private Integer startPruningStep;
        private Integer pruningSteps;
        private Integer pruningPeriods;
        private Integer totalSteps;
        private int groupDivisible = 1;
        private SaliencyMix saliency = SaliencyMix.defaults();
        private CricSettings cric;
        private Allocation allocation = Allocation.GLOBAL;
        private GroupSparsityBounds bounds = GroupSparsityBounds.NONE;

        private Builder() {}

        /**
         * Sets the fraction of prunable channels to prune.
         *
         * @param sparsity in {@code [0, 1)}; 0 makes the optimizer its plain variant; default
         *     {@value HessoSettings#DEFAULT_TARGET_GROUP_SPARSITY} unless {@link #optTargetMacs} is
         *     set
         * @return this builder
         */
        public Builder optTargetGroupSparsity(double sparsity) {
            this.targetGroupSparsity = sparsity;
            return this;
        }

        /**
         * Sets a compute budget as the target instead of a group sparsity: after pruning, the
         * model's multiply-accumulates per input sample (as the engine's cost model counts them,
         * the compact model's, consumers' input columns included) are at most {@code fraction} of
         * the dense model's, and as close to it as channel granularity allows. The budget is
         * reached in the same periods (or CRIC's single selection) as a group sparsity, each period
         * removing an equal share of the dense MACs, by {@link
         * ai.hesso.core.selection.MacBudgetSelection}. Works with CRIC and {@code groupDivisible},
         * and in HESSO's periods with {@link #optGroupSparsityBounds(double, double)}. Do not
         * combine with {@link #optTargetGroupSparsity}.
         *
         * @param fraction of the dense MACs to keep, in {@code (0, 1)}, e.g. 0.3
         * @return this builder
         */
        public Builder optTargetMacs(double fraction) {
            this.targetMacs = fraction;
            return this;
        }

        /**
         * Sets the warm-up: the step at which pruning may start.
         *
         * @param step at least 0
         * @return this builder
         */
        public Builder optStartPruningStep(int step) {
            this.startPruningStep = step;
            return this;
        }

        /**
         * Sets the number of steps over which all pruning periods run.
         *
         * @param steps at least {@code pruningPeriods}
         * @return this builder
         */
        public Builder setPruningSteps(int steps) {
            this.pruningSteps = steps;
            return this;
        }

        /**
         * Sets the number of pruning periods {@code P}.
         *
         * @param periods at least 1
         * @return this builder
         */
        public Builder optPruningPeriods(int periods) {
            this.pruningPeriods = periods;
            return this;
        }

        /**
         * Derives the schedule from the length of training instead of setting it by hand: warm-up
         * {@code floor(T / 10)} steps, and all periods over by step {@code floor(3T / 10)} (see
         * {@link PruningSchedule#forTraining}), with {@value #DEFAULT_SCHEDULED_PERIODS} periods
         * unless {@link #optPruningPeriods} says otherwise. The result is logged once at build. Do
         * not combine it with {@link #optStartPruningStep} or {@link #setPruningSteps}.
         *
         * @param totalSteps the optimizer steps of the whole run (epochs times batches per epoch),
         *     at least 1
         * @return this builder
         */
        public Builder optSchedule(int totalSteps) {
            this.totalSteps = totalSteps;
            return this;
        }

        /**
         * Sets the multiple that remaining channel counts are rounded up to.
         *
         * @param q at least 1
         * @return this builder
         */
        public Builder optGroupDivisible(int q) {
            this.groupDivisible = q;
            return this;
        }

        /**
         * Sets the saliency mix.
         *
         * @param mix the mix, e.g. {@link SaliencyMix#taylorOnly()}
         * @return this builder
         */
        public Builder optSaliency(SaliencyMix mix) {
            this.saliency = Objects.requireNonNull(mix, "saliency");
            return this;
        }

        /**
         * Turns CRIC on with these settings.
         *
         * @param settings the CRIC settings, or null for plain HESSO
         * @return this builder
         */
        public Builder optCric(CricSettings settings) {
            this.cric = settings;
            return this;
        }

        /**
         * Sets how each period's quota is spread over the prunable groups: {@link
         * Allocation#GLOBAL} (the default, the paper's selection over all groups) or {@link
         * Allocation#PER_GROUP} (the same fraction from every group, the lowest scores within
         * each). {@code PER_GROUP} works with HESSO's periods and a group sparsity target or a MAC
         * budget: with {@link #optTargetMacs(double)} the target becomes the smallest channel count
         * whose per-group split meets the budget on the engine's cost model ({@link
         * ai.hesso.core.selection.PerGroupBudget}; {@code groupDivisible} must then be 1). This is
         * the recommended setting for a compute budget: it was the most accurate HESSO setting of
         * {@code bench frontier} on both CNNs at 20% and 10% of the dense MACs. CRIC selects over
         * all groups and refuses it.
         *
         * @param allocation not null
         * @return this builder
         */
        public Builder optAllocation(Allocation allocation) {
            this.allocation = Objects.requireNonNull(allocation, "allocation");
            return this;
        }

        /**
         * Bounds what the global selection may take from each prunable node group: every group ends
         * with at least {@code floor} and at most {@code cap} of its channels pruned, the rest of
         * each period's quota going to the lowest scores over all groups ({@link
         * GroupSparsityBounds}). With a MAC budget ({@link #optTargetMacs(double)}) the floors are
         * taken first and the rest of each period's cost goes by saliency per MAC saved, never past
         * a cap: the MAC-aware allocation whose widths stay within a band. Needs HESSO's periods
         * and {@link Allocation#GLOBAL}, and a group sparsity target between the two when there is
         * no MAC budget; CRIC refuses it. Default: no floor, no cap.
         *
         * @param floor the fraction every group must lose, in {@code [0, target]} with a group
         *     sparsity target
         * @param cap the most any group may lose, in {@code [target, 1]} with a group sparsity
         *     target
         * @return this builder
         * @throws IllegalArgumentException when a bound is outside {@code [0, 1]} or the cap is
         *     below the floor
         */
        public Builder optGroupSparsityBounds(double floor, double cap) {
            this.bounds = new GroupSparsityBounds(floor, cap);
            return this;
        }

        /**
         * Validates and builds the settings.
         *
         * @return the settings
         * @throws IllegalArgumentException naming the bad setting and the valid range
         */
        public HessoSettings build() {
            if (targetMacs != null) {
                checkTargetMacs();
            } else if (targetGroupSparsity != null
                    && !(targetGroupSparsity >= 0 && targetGroupSparsity < 1)) {
                throw new IllegalArgumentException(
                        "targetGroupSparsity must be in [0, 1), got " + targetGroupSparsity);
            }
            if (groupDivisible < 1) {
                throw new IllegalArgumentException(
                        "groupDivisible must be >= 1, got " + groupDivisible);
            }
            if (allocation == Allocation.PER_GROUP && cric != null) {
                throw new IllegalArgumentException(
                        "optAllocation(PER_GROUP) splits a channel count over the groups in"
                                + " HESSO's periods; CRIC's vote chooses over all groups: use"
                                + " Allocation.GLOBAL with it, or PER_GROUP without CRIC");
            }
            if (allocation == Allocation.PER_GROUP && targetMacs != null && groupDivisible > 1) {
                throw new IllegalArgumentException(
                        "optAllocation(PER_GROUP) with a MAC budget finds the channel count whose"
                                + " per-group split meets the budget; groupDivisible "
                                + groupDivisible
                                + " would give channels back and break it: use groupDivisible 1,"
                                + " or Allocation.GLOBAL (its MAC walk moves in multiples of"
                                + " groupDivisible)");
            }
            checkBounds();
            PruningSchedule schedule = null;
            if (cric == null) {
                schedule = totalSteps == null ? explicitSchedule() : derivedSchedule();
            }
            return new HessoSettings(this, schedule);
        }

        private void checkBounds() {
            if (bounds.isNone()) {
                return;
            }
            String set = "optGroupSparsityBounds(" + bounds.floor() + ", " + bounds.cap() + ")";
            if (cric != null || allocation != Allocation.GLOBAL) {
                throw new IllegalArgumentException(
                        set
                                + " bounds the global selection of HESSO's periods; "
                                + (cric != null
                                        ? "CRIC's vote selects without it"
                                        : "Allocation.PER_GROUP already takes the same"
                                                + " fraction from every group")
                                + ": remove one of them");
            }
            if (targetMacs != null) {
                // a MAC budget has no channel count to check against the bounds; a cap that
                // leaves the budget out of reach is refused where the cost model is known
                return;
            }
            double target =
                    targetGroupSparsity == null
                            ? HessoSettings.DEFAULT_TARGET_GROUP_SPARSITY
                            : targetGroupSparsity;
            if (target < bounds.floor() || target > bounds.cap()) {
                throw new IllegalArgumentException(
                        set
                                + ": the target group sparsity "
                                + target
                                + " must lie between the floor and the cap, or no selection"
                                + " can meet them all");
            }
        }

        private void checkTargetMacs() {
            if (targetGroupSparsity != null) {
                throw new IllegalArgumentException(
                        "set one target, not both: optTargetGroupSparsity("
                                + targetGroupSparsity
                                + ") prunes a fraction of the channels, optTargetMacs("
                                + targetMacs
                                + ") keeps a fraction of the MACs; remove one of them");
            }
            if (!(targetMacs > 0 && targetMacs < 1)) {
                throw new IllegalArgumentException(
                        "targetMacs must be in (0, 1), the fraction of the dense model's MACs to"
                                + " keep (e.g. 0.3), got "
                                + targetMacs);
            }
        }

        private PruningSchedule explicitSchedule() {
            if (pruningSteps == null) {
                throw new IllegalArgumentException(
                        "pruningSteps is required without CRIC: call setPruningSteps(steps"
                                + " >= pruningPeriods), e.g. about a quarter of all steps, or"
                                + " optSchedule(totalSteps) to derive the schedule");
            }
            return new PruningSchedule(
                    startPruningStep == null ? 0 : startPruningStep,
                    pruningSteps,
                    pruningPeriods == null ? 1 : pruningPeriods);
        }

        private PruningSchedule derivedSchedule() {
            if (startPruningStep != null || pruningSteps != null) {
                throw new IllegalArgumentException(
                        "optSchedule("
                                + totalSteps
                                + ") derives startPruningStep and pruningSteps: do not also set"
                                + " them (got startPruningStep="
                                + startPruningStep
                                + ", pruningSteps="
                                + pruningSteps
                                + ")");
            }
            PruningSchedule schedule =
                    PruningSchedule.forTraining(
                            totalSteps,
                            pruningPeriods == null ? DEFAULT_SCHEDULED_PERIODS : pruningPeriods);
            LOG.info(
                    "pruning schedule for {} training steps: warm-up {} steps, then {} period(s)"
                            + " of {} steps ({} pruning steps in all)",
                    totalSteps,
                    schedule.startPruningStep(),
                    schedule.pruningPeriods(),
                    schedule.periodLength(),
                    schedule.pruningSteps());
            return schedule;
        }
    }
}
