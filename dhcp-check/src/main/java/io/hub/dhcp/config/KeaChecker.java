package io.hub.dhcp.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.FindingKind;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import io.hub.dhcp.decode.Bytes;
import io.hub.dhcp.decode.VendorOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks a Kea DHCPv4 configuration (JSON with comments): {@code option-data} by name or code at
 * every level (global, {@code client-classes}, {@code shared-networks}, {@code subnet4},
 * {@code pools}, {@code reservations}), sub-options of option 43 in
 * {@code vendor-encapsulated-options-space}, {@code option-def} names, and the
 * {@code boot-file-name}, {@code next-server} and {@code server-hostname} fields.
 */
public final class KeaChecker implements ConfigChecker {

    private static final String DHCP4 = "dhcp4";
    private static final String VENDOR_SPACE = "vendor-encapsulated-options-space";
    /**
     * Kea's JSON: comments of three kinds, trailing commas, numbers such as {@code .5} and {@code 5.};
     * its {@code <?include ?>} is resolved before by {@link KeaText}.
     */
    private static final JsonMapper JSON = JsonMapper.builder().enable(JsonReadFeature.ALLOW_JAVA_COMMENTS,
            JsonReadFeature.ALLOW_YAML_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
            JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
            JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS).build();

    /** An {@code option-def}: its code and how its data is written. */
    private record Definition(int code, OptionEncoding.Type type) {
    }

    @Override
    public List<Finding> check(Path file, DhcpRules rules) {
        KeaText source = KeaText.read(file);
        String text = source.text();
        String name = String.valueOf(file.getFileName());
        JsonNode root;
        KeaLines lines;
        try (JsonParser parser = JSON.createParser(text)) {
            lines = KeaLines.index(parser, name, source);
            root = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ConfigException(source.origin(e.getLocation().getLineNr()) + ": not Kea JSON: "
                    + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw new ConfigException("cannot read " + file + ": " + e.getMessage());
        }
        JsonNode dhcp4 = root == null ? null : root.get("Dhcp4");
        if (dhcp4 == null || !dhcp4.isObject()) {
            throw new ConfigException(name + " has no \"Dhcp4\" object; it is not a Kea DHCPv4 configuration");
        }
        Walk walk = new Walk(lines);
        for (String outside : source.outside()) {
            String where = outside.substring(0, outside.indexOf(' '));
            String target = outside.substring(outside.indexOf(' ') + 1);
            walk.model.notice(FindingKind.INCLUDE_OUTSIDE, 0, "<?include \"" + target + "\" ?>",
                    "<?include \"" + target + "\" ?>", Scope.global(), where);
        }
        walk.definitions(dhcp4.path("option-def"), "/Dhcp4/option-def");
        walk.global(dhcp4);
        return walk.model.findings(rules);
    }

    /** One check's state: definitions and classes belong to one file. */
    private static final class Walk {
        private final KeaLines lines;
        private final ConfigModel model = new ConfigModel();
        private final Map<String, Map<String, Definition>> names = new HashMap<>();
        private final Map<String, Map<Integer, Definition>> codes = new HashMap<>();
        private final Map<String, KeaClasses.ClassScope> classes = new HashMap<>();

        Walk(KeaLines lines) {
            this.lines = lines;
        }

        void global(JsonNode dhcp4) {
            Scope global = Scope.global();
            Set<Integer> present = level(dhcp4, "/Dhcp4", global, null);
            JsonNode classList = dhcp4.path("client-classes");
            for (int i = 0; i < classList.size(); i++) {
                JsonNode node = classList.get(i);
                String pointer = "/Dhcp4/client-classes/" + i;
                definitions(node.path("option-def"), pointer + "/option-def");
                KeaClasses.ClassScope scope = KeaClasses.of(node.path("name").asText(""), node.path("test").asText(""),
                        this::codeOf);
                classes.put(node.path("name").asText(""), scope);
                level(node, pointer, scope.scope(), scope.vendorClass());
            }
            JsonNode shared = dhcp4.path("shared-networks");
            for (int i = 0; i < shared.size(); i++) {
                JsonNode node = shared.get(i);
                String pointer = "/Dhcp4/shared-networks/" + i;
                Scope scope = restricted(Scope.of(Scope.Level.SHARED_NETWORK, "shared-network "
                        + node.path("name").asText("?")), node);
                Set<Integer> inherited = new HashSet<>(present);
                inherited.addAll(level(node, pointer, scope, null));
                subnets(node.path("subnet4"), pointer + "/subnet4", scope, inherited);
            }
            subnets(dhcp4.path("subnet4"), "/Dhcp4/subnet4", global, present);
            reservations(dhcp4.path("reservations"), "/Dhcp4/reservations", global);
        }

        private void subnets(JsonNode list, String pointer, Scope outer, Set<Integer> inherited) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode node = list.get(i);
                String at = pointer + "/" + i;
                Scope scope = outer.within(restricted(Scope.of(Scope.Level.SUBNET, "subnet "
                        + node.path("subnet").asText("?")), node));
                Set<Integer> present = new HashSet<>(inherited);
                present.addAll(level(node, at, scope, null));
                JsonNode pools = node.path("pools");
                Set<Integer> everyPool = null;
                for (int p = 0; p < pools.size(); p++) {
                    JsonNode pool = pools.get(p);
                    Scope poolScope = scope.within(restricted(Scope.of(Scope.Level.POOL, "pool "
                            + pool.path("pool").asText("?")), pool));
                    Set<Integer> own = level(pool, at + "/pools/" + p, poolScope, null);
                    if (everyPool == null) {
                        everyPool = new HashSet<>(own);
                    } else {
                        everyPool.retainAll(own);
                    }
                }
                reservations(node.path("reservations"), at + "/reservations", scope);
                if (pools.size() > 0 || node.path("reservations").size() > 0) {
                    if (everyPool != null) {
                        present.addAll(everyPool);
                    }
                    model.basics(present, scope, scope.name(), lines.where(at));
                }
            }
        }

        private void reservations(JsonNode list, String pointer, Scope outer) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode node = list.get(i);
                String mac = node.path("hw-address").asText("");
                String name = "host " + (node.has("hostname") ? node.path("hostname").asText() + " " : "")
                        + (mac.isEmpty() ? node.path("client-id").asText(node.path("ip-address").asText("?"))
                                : "(" + mac + ")");
                boolean ale = mac.isEmpty() || io.hub.dhcp.AlePhones.isAleMac(mac);
                Scope scope = outer.within(new Scope(Scope.Level.HOST, name, ale, mac.isEmpty() ? ""
                        : ale ? "an ALE MAC" : "the host's MAC is not an ALE phone's"));
                level(node, pointer + "/" + i, scope, null);
            }
        }

        /** A subnet or pool that only serves members of a class reaches ALE phones only if the class does. */
        private Scope restricted(Scope scope, JsonNode node) {
            List<String> names = new ArrayList<>();
            if (node.path("client-class").isTextual()) {
                names.add(node.path("client-class").asText());
            }
            node.path("client-classes").forEach(name -> names.add(name.asText()));
            Scope result = scope;
            for (String name : names) {
                KeaClasses.ClassScope known = classes.get(name);
                Scope classScope = known != null ? known.scope() : Scope.of(Scope.Level.CLIENT_CLASS, "class " + name);
                if (!classScope.reachesAlePhone()) {
                    result = new Scope(scope.level(), scope.name() + " for " + classScope.name(), false,
                            classScope.reason());
                }
            }
            return result;
        }

        /** The options of one level and its boot fields; returns the codes it gives. */
        private Set<Integer> level(JsonNode node, String pointer, Scope scope, String vendorClass) {
            Set<Integer> present = new HashSet<>();
            String bootServer = node.has("next-server") ? node.path("next-server").asText()
                    : node.has("server-hostname") ? node.path("server-hostname").asText() : null;
            if ("0.0.0.0".equals(bootServer)) {
                bootServer = null;
            }
            DhcpRules.Context context = new DhcpRules.Context(vendorClass, bootServer);
            JsonNode options = node.path("option-data");
            List<VendorOptions.SubOption> subOptions = new ArrayList<>();
            String subOptionsWhere = null;
            List<String> subOptionsRaw = new ArrayList<>();
            for (int i = 0; i < options.size(); i++) {
                JsonNode option = options.get(i);
                String at = pointer + "/option-data/" + i;
                if (option.path("never-send").asBoolean(false)) {
                    continue;
                }
                String space = option.path("space").asText(DHCP4);
                Definition definition = definition(option, space, lines.where(at), scope);
                String data = option.path("data").asText("");
                if (definition == null) {
                    continue;
                }
                if (!space.equals(DHCP4)) {
                    byte[] value = space.equals(VENDOR_SPACE) && !data.isEmpty()
                            ? bytes(definition, option, data, lines.where(at)) : null;
                    // As for a top-level option: a value only the server can resolve (a host name)
                    // leaves nothing to judge on the wire.
                    if (value != null) {
                        subOptions.add(new VendorOptions.SubOption(definition.code(), value));
                        subOptionsRaw.add(definition.code() + "=" + data);
                        subOptionsWhere = subOptionsWhere == null ? lines.where(at) : subOptionsWhere;
                    }
                    continue;
                }
                if (data.isEmpty()) {
                    continue;
                }
                present.add(definition.code());
                byte[] bytes = bytes(definition, option, data, lines.where(at));
                if (bytes != null) {
                    model.option(new OptionValue(definition.code(), bytes, data, lines.where(at)), scope, context);
                }
            }
            if (!subOptions.isEmpty()) {
                present.add(43);
                model.option(new OptionValue(43, VendorOptions.encode(subOptions), String.join("; ", subOptionsRaw),
                        subOptionsWhere), scope, context);
            }
            if (node.hasNonNull("boot-file-name") && !node.path("boot-file-name").asText().isBlank()) {
                String file = node.path("boot-file-name").asText();
                model.option(new OptionValue(67, file.getBytes(StandardCharsets.UTF_8), "boot-file-name " + file,
                        lines.where(pointer)), scope, context);
            }
            return present;
        }

        /**
         * The definition of an option-data entry; null, with an {@link FindingKind#UNKNOWN_OPTION}
         * finding, when neither Kea's own definitions known here nor the file's {@code option-def}
         * name it: a newer Kea may know it, so it is a warning and not a refusal.
         */
        private Definition definition(JsonNode option, String space, String where, Scope scope) {
            boolean knownSpace = space.equals(DHCP4) || KeaOptionNames.SPACES.containsKey(space)
                    || names.containsKey(space);
            if (option.has("code")) {
                int code = option.path("code").asInt(-1);
                if (code < 0 || code > 255 || !option.path("code").canConvertToInt()) {
                    throw new ConfigException(where + ": option code " + option.path("code") + " is not 0-255");
                }
                Definition defined = codes.getOrDefault(space, Map.of()).get(code);
                if (defined == null && !knownSpace) {
                    unknown(code, "option " + code + " in space " + space + ", a space this checker does not know",
                            option, scope, where);
                    return null;
                }
                return defined != null ? defined : new Definition(code, space.equals(DHCP4)
                        ? OptionEncoding.typeOf(code) : OptionEncoding.Type.BYTES);
            }
            String name = option.path("name").asText("").toLowerCase(Locale.ROOT);
            Definition defined = names.getOrDefault(space, Map.of()).get(name);
            if (defined != null) {
                return defined;
            }
            Integer code = space.equals(DHCP4) ? KeaOptionNames.STANDARD.get(name)
                    : KeaOptionNames.SPACES.getOrDefault(space, Map.of()).get(name);
            if (code == null) {
                unknown(0, "option '" + name + "' in space " + space + (knownSpace ? ""
                        : ", a space this checker does not know,"), option, scope, where);
                return null;
            }
            return new Definition(code, space.equals(DHCP4) ? OptionEncoding.typeOf(code) : OptionEncoding.Type.BYTES);
        }

        private void unknown(int code, String subject, JsonNode option, Scope scope, String where) {
            model.notice(FindingKind.UNKNOWN_OPTION, code, DnsmasqFiles.abbreviate(option.toString()), subject, scope,
                    where);
        }

        private static byte[] bytes(Definition definition, JsonNode option, String data, String where) {
            if (!option.path("csv-format").asBoolean(true)) {
                try {
                    return Bytes.parseHex(data.strip().replaceFirst("^0[xX]", ""));
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(where + ": data '" + DnsmasqFiles.abbreviate(data) + "' is not hex "
                            + "although csv-format is false");
                }
            }
            List<String> items = definition.type() == OptionEncoding.Type.TEXT ? List.of(data)
                    : Arrays.stream(data.split(",")).map(String::strip).toList();
            return OptionEncoding.encode(definition.code(), definition.type(), items);
        }

        void definitions(JsonNode list, String pointer) {
            for (int i = 0; i < list.size(); i++) {
                JsonNode node = list.get(i);
                String name = node.path("name").asText("").toLowerCase(Locale.ROOT);
                int code = node.path("code").asInt(-1);
                if (name.isEmpty() || code < 0 || code > 255) {
                    throw new ConfigException(lines.where(pointer + "/" + i) + ": option-def needs a name and a "
                            + "code 0-255");
                }
                String type = node.path("type").asText("").toLowerCase(Locale.ROOT);
                OptionEncoding.Type encoding = type.startsWith("ipv4-address") ? OptionEncoding.Type.ADDRESSES
                        : type.equals("string") || type.equals("fqdn") ? OptionEncoding.Type.TEXT
                        : OptionEncoding.Type.BYTES;
                String space = node.path("space").asText(DHCP4);
                Definition definition = new Definition(code, encoding);
                names.computeIfAbsent(space, s -> new HashMap<>()).put(name, definition);
                codes.computeIfAbsent(space, s -> new HashMap<>()).put(code, definition);
            }
        }

        private Integer codeOf(String name) {
            Definition defined = names.getOrDefault(DHCP4, Map.of()).get(name.toLowerCase(Locale.ROOT));
            return defined != null ? Integer.valueOf(defined.code()) : KeaOptionNames.STANDARD.get(name);
        }
    }
}
