# Builds the harness (hil/harness.c against libsimavr) and the unmodified
# StandardFirmata (Firmata 2.5.9, Servo 1.3.0) for an
# Arduino Uno (ATmega328P at 16 MHz) with Debian's avr-gcc and Arduino AVR
# core, reading the Firmata and Servo sources from FIRMWARE (never copied
# into this repository). Flags follow the core's platform.txt, less -flto.
#   make -f hil/build.mk FIRMWARE=/path/to/firmware BUILD=hil/build
FIRMWARE ?= ../shared/firmware
BUILD    ?= hil/build
ARDUINO  ?= /usr/share/arduino/hardware/arduino/avr

CORE    := $(ARDUINO)/cores/arduino
VARIANT := $(ARDUINO)/variants/standard
WIRE    := $(ARDUINO)/libraries/Wire/src
SERVO   := $(FIRMWARE)/Servo/src
FIRMATA := $(FIRMWARE)/Firmata
SKETCH  := $(FIRMWARE)/StandardFirmata/StandardFirmata.ino

CC      := avr-gcc
CXX     := avr-g++
OBJCOPY := avr-objcopy
MCU     := -mmcu=atmega328p -DF_CPU=16000000L -DARDUINO=10807 -DARDUINO_AVR_UNO -DARDUINO_ARCH_AVR
INC     := -I$(CORE) -I$(VARIANT) -I$(WIRE) -I$(WIRE)/utility -I$(SERVO) -I$(FIRMATA)
CFLAGS  := -c -g -Os -w -std=gnu11 -ffunction-sections -fdata-sections -MMD $(MCU) $(INC)
CXXFLAGS:= -c -g -Os -w -std=gnu++11 -fpermissive -fno-exceptions -ffunction-sections \
           -fdata-sections -fno-threadsafe-statics -MMD $(MCU) $(INC)
SFLAGS  := -c -g -x assembler-with-cpp -MMD $(MCU) $(INC)

# WString.cpp needs DECIMAL_DIG, missing from Debian's avr-libc, and
# StandardFirmata uses no String; SerialFirmata needs SoftwareSerial,
# which StandardFirmata does not use.
CORE_SRC := $(filter-out %/WString.cpp,$(wildcard $(CORE)/*.c $(CORE)/*.cpp $(CORE)/*.S))
LIB_SRC  := $(WIRE)/Wire.cpp $(WIRE)/utility/twi.c $(SERVO)/avr/Servo.cpp $(wildcard $(FIRMATA)/*.cpp)

obj = $(BUILD)/obj/$(subst /,_,$(notdir $(patsubst %/,%,$(dir $(1)))))_$(notdir $(1)).o
OBJS := $(foreach s,$(CORE_SRC) $(LIB_SRC),$(call obj,$(s))) $(BUILD)/obj/StandardFirmata.o

all: $(BUILD)/StandardFirmata.elf $(BUILD)/StandardFirmata.hex $(BUILD)/harness

# The host-side harness; Debian's simavr.pc names libelf, from libelf-dev.
$(BUILD)/harness: hil/harness.c | $(BUILD)/obj
	cc -O2 -Wall -Wextra -Werror -o $@ $< $$(pkg-config --cflags --libs simavr) -lutil -lpthread

$(BUILD)/StandardFirmata.elf: $(OBJS)
	$(CC) -Os -g -Wl,--gc-sections -mmcu=atmega328p -o $@ $^ -lm
	avr-size $@

$(BUILD)/StandardFirmata.hex: $(BUILD)/StandardFirmata.elf
	$(OBJCOPY) -O ihex -R .eeprom $< $@

# The sketch is C++ once Arduino.h is included first, as the IDE does.
$(BUILD)/obj/StandardFirmata.o: $(SKETCH) | $(BUILD)/obj
	$(CXX) $(CXXFLAGS) -include Arduino.h -x c++ $< -o $@

define rule
$(call obj,$(1)): $(1) | $(BUILD)/obj
	$$(if $$(filter %.c,$$<),$$(CC) $$(CFLAGS),$$(if $$(filter %.S,$$<),$$(CC) $$(SFLAGS),$$(CXX) $$(CXXFLAGS))) $$< -o $$@
endef
$(foreach s,$(CORE_SRC) $(LIB_SRC),$(eval $(call rule,$(s))))

$(BUILD)/obj:
	mkdir -p $@

-include $(OBJS:.o=.d)
.PHONY: all
