# SES top-level Makefile: the module (against KDIR), the test kernel and VM, and the test,
# demo and benchmark flows. `make test` ends with one line "N passed, N failed".
# Results of test/run/bench go to out/ (gitignored).
KVER      := $(shell uname -r)
SES_CACHE ?= $(HOME)/.cache/ses
VM_KDIR   := $(SES_CACHE)/build
KDIR      ?= $(if $(wildcard /lib/modules/$(KVER)/build),/lib/modules/$(KVER)/build,$(VM_KDIR))
OUT       := $(CURDIR)/out
KUNIT     := $(if $(wildcard tests/kunit/Kbuild tests/kunit/Makefile),CONFIG_SES_KUNIT_TEST=m)
FUZZ_SECONDS ?= 60
T0        := $(shell date +%s)
walltime   = echo "make $@: total wall time $$(( $$(date +%s) - $(T0) )) s"
# $(call sub,DIR,TARGET): make TARGET in DIR when DIR has a Makefile
sub        = if [ -f $(1)/Makefile ]; then $(MAKE) --no-print-directory -C $(1) $(2); \
             else echo "$(1): no Makefile, skipped"; fi
# $(call host_tap,DIR,TARGET,NAME): run a host-side suite, its TAP (stdout) into out/NAME.tap
host_tap   = if [ -f $(1)/Makefile ]; then timeout 900 $(MAKE) -s --no-print-directory -C $(1) $(2) \
             > $(OUT)/$(3).tap || echo "make -C $(1) $(2) failed (status $$?)"; fi

.NOTPARALLEL:
.PHONY: all modules install deps kernel vm-modules selftests unit fuzz-smoke fuzz userspace \
        test run bench clean

all modules:
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: modules
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules_install
	install -D -m 644 include/uapi/linux/ses.h $(DESTDIR)/usr/include/linux/ses.h

deps:
	@scripts/deps.sh

kernel: deps
	@tests/vm/build-kernel.sh

vm-modules: kernel
	$(MAKE) -C $(VM_KDIR) M=$(CURDIR) $(KUNIT) modules

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

test: vm-modules selftests userspace
	@rm -rf $(OUT) && mkdir -p $(OUT)/vm
	@$(call host_tap,tests/unit,check,unit)
	@$(call host_tap,tests/fuzz,smoke,fuzz-smoke)
	@scripts/check-compat.sh > $(OUT)/compat.tap || true
	@tests/vm/run-vm.sh test $(OUT)/vm || true
	@if [ -x tests/selftests/tshark-check.sh ]; then SES_RESULTS=$(OUT)/vm \
	    tests/selftests/tshark-check.sh $(OUT)/vm/ses.pcap > $(OUT)/tshark.tap || true; fi
	@$(walltime)
	@tests/vm/collect.sh --console $(OUT)/vm/console.log $(OUT)/vm/*.tap $(OUT)/*.tap

run: vm-modules userspace
	@rc=0; tests/vm/run-vm.sh run $(OUT)/run || rc=$$?; $(walltime); exit $$rc

bench: vm-modules userspace
	@rc=0; tests/vm/run-vm.sh bench $(OUT)/bench || rc=$$?; $(walltime); exit $$rc

clean:
	-[ ! -d $(KDIR) ] || $(MAKE) -C $(KDIR) M=$(CURDIR) clean
	-@for d in tests/selftests tests/unit tests/fuzz userspace; do \
	    [ ! -f $$d/Makefile ] || $(MAKE) --no-print-directory -C $$d clean; done
	rm -rf $(OUT)
