# SES top-level Makefile: the module (against KDIR), the test kernels and VM, and the test,
# demo and benchmark flows. `make test` ends with one line "N passed, N failed".
# Results of test/run/bench go to out/ (gitignored).
# Two VM kernels (tests/vm/build-kernel.sh): `make test` runs the suites on the debug one
# (KASAN, lockdep, kmemleak, debug objects, fault injection); `make test TEST_FLAVOUR=normal`
# on the normal one, several times faster, for quick iterations. `make run` and `make bench`
# use the normal one. The module is built in the tree against the kernel of the target that
# runs it; switching kernels rebuilds it.
KVER      := $(shell uname -r)
SES_CACHE ?= $(HOME)/.cache/ses
VM_KDIR   := $(SES_CACHE)/build
VM_KDIR_DEBUG := $(SES_CACHE)/build-debug
TEST_FLAVOUR ?= debug
KDIR      ?= $(if $(wildcard /lib/modules/$(KVER)/build),/lib/modules/$(KVER)/build,$(VM_KDIR))
OUT       := $(CURDIR)/out
KUNIT     := $(if $(wildcard tests/kunit/Kbuild tests/kunit/Makefile),CONFIG_SES_KUNIT_TEST=m)
FUZZ_SECONDS ?= 60
T0        := $(shell date +%s)
walltime   = echo "make $@: total wall time $$(( $$(date +%s) - $(T0) )) s"
# $(call modbuild,KDIR[,VARS]): build the modules in this tree against KDIR. .ses-kdir.cmd names
# the kernel tree the objects were built against; for another one they are removed first.
MOD_DIRS  := net/ses tests/kunit
modbuild   = if [ "$$(cat .ses-kdir.cmd 2>/dev/null)" != "$(1)" ]; then \
                 echo "modules: built for another kernel, cleaning for $(1)"; \
                 find $(MOD_DIRS) -maxdepth 1 -type f \( -name '*.o' -o -name '*.ko' -o -name '*.mod' \
                     -o -name '*.mod.c' -o -name '.*.cmd' -o -name modules.order \) -delete; \
                 rm -f Module.symvers modules.order .module-common.o .*.cmd; fi; \
             rm -f .ses-kdir.cmd && $(MAKE) -C $(1) M=$(CURDIR) $(2) modules && echo "$(1)" > .ses-kdir.cmd
# $(call sub,DIR,TARGET): make TARGET in DIR when DIR has a Makefile
sub        = if [ -f $(1)/Makefile ]; then $(MAKE) --no-print-directory -C $(1) $(2); \
             else echo "$(1): no Makefile, skipped"; fi
# $(call host_tap,DIR,TARGET,NAME): run a host-side suite, its TAP (stdout) into out/NAME.tap
host_tap   = if [ -f $(1)/Makefile ]; then timeout 900 $(MAKE) -s --no-print-directory -C $(1) $(2) \
             > $(OUT)/$(3).tap || echo "make -C $(1) $(2) failed (status $$?)"; fi

.NOTPARALLEL:
.PHONY: all modules install deps kernel kernel-debug vm-modules vm-modules-normal \
        vm-modules-debug selftests unit fuzz-smoke fuzz userspace test run bench clean

all modules:
	@$(call modbuild,$(KDIR))

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 644 include/uapi/linux/ses.h $(DESTDIR)/usr/include/linux/ses.h

deps:
	@scripts/deps.sh

kernel: deps
	@tests/vm/build-kernel.sh normal

kernel-debug: deps
	@tests/vm/build-kernel.sh debug

vm-modules vm-modules-normal: kernel
	@$(call modbuild,$(VM_KDIR),$(KUNIT))

vm-modules-debug: kernel-debug
	@$(call modbuild,$(VM_KDIR_DEBUG),$(KUNIT))

selftests:
	@$(call sub,tests/selftests,)

unit:
	@$(call sub,tests/unit,check)

fuzz-smoke:
	@$(call sub,tests/fuzz,smoke)

fuzz:
	@$(call sub,tests/fuzz,fuzz FUZZ_SECONDS=$(FUZZ_SECONDS))

userspace:
	@$(call sub,userspace,)

test: vm-modules-$(TEST_FLAVOUR) selftests userspace
	@rm -rf $(OUT) && mkdir -p $(OUT)/vm
	@$(call host_tap,tests/unit,check,unit)
	@$(call host_tap,tests/fuzz,smoke,fuzz-smoke)
	@scripts/check-compat.sh > $(OUT)/compat.tap || true
	@SES_FLAVOUR=$(TEST_FLAVOUR) tests/vm/run-vm.sh test $(OUT)/vm || true
	@if [ -x tests/selftests/tshark-check.sh ]; then SES_RESULTS=$(OUT)/vm \
	    tests/selftests/tshark-check.sh $(OUT)/vm/ses.pcap > $(OUT)/tshark.tap || true; fi
	@$(walltime)
	@tests/vm/collect.sh --console $(OUT)/vm/console.log $(OUT)/vm/*.tap $(OUT)/*.tap

run: vm-modules userspace
	@rc=0; SES_FLAVOUR=normal tests/vm/run-vm.sh run $(OUT)/run || rc=$$?; $(walltime); exit $$rc

bench: vm-modules userspace
	@rc=0; SES_FLAVOUR=normal tests/vm/run-vm.sh bench $(OUT)/bench || rc=$$?; $(walltime); exit $$rc

clean:
	-[ ! -d $(KDIR) ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -f .ses-kdir.cmd
	-@for d in tests/selftests tests/unit tests/fuzz userspace; do \
	    [ ! -f $$d/Makefile ] || $(MAKE) --no-print-directory -C $$d clean; done
	rm -rf $(OUT)
