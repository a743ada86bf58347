package io.hub.dhcp.config;

import io.hub.dhcp.DhcpRules;
import io.hub.dhcp.Finding;
import io.hub.dhcp.OptionValue;
import io.hub.dhcp.Scope;
import io.hub.dhcp.decode.VendorOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks an ISC dhcpd configuration: {@code option …} statements (standard names, and names
 * defined with {@code option NAME code N = TYPE}), {@code filename}, {@code next-server},
 * {@code server-name}, option 43 as {@code vendor-encapsulated-options} or built from an option
 * space with {@code vendor-option-space}, in every scope: global, {@code shared-network},
 * {@code subnet}, {@code pool}, {@code group}, {@code host}, {@code class}, {@code subclass} and
 * {@code if} blocks. Statements in a block apply to the whole block, whatever their order, as in
 * dhcpd.
 */
public final class IscDhcpdChecker implements ConfigChecker {

    private static final int MAX_INCLUDES = 64;

    /** A definition: the code of a name, and how its value is written. */
    private record Definition(int code, OptionEncoding.Type type) {
    }

    /** What a block inherits from the blocks around it. */
    private record Frame(Scope scope, Set<Integer> present, String bootServer, String vendorSpace,
            Map<Integer, VendorOptions.SubOption> vendorSubOptions, String vendorClass) {
    }

    // One check's state: check() runs on a fresh instance, since definitions and classes belong to one file.
    private final Map<String, Definition> names = new HashMap<>();
    private final Map<String, Map<String, Definition>> spaces = new HashMap<>();
    private final Map<String, IscClasses.ClassInfo> classes = new HashMap<>();
    private final ConfigModel model = new ConfigModel();

    @Override
    public List<Finding> check(Path file, DhcpRules rules) {
        IscDhcpdChecker run = new IscDhcpdChecker();
        List<IscSyntax.Statement> statements = run.withIncludes(file, new int[] {0});
        run.walk(statements, new Frame(Scope.global(), Set.of(), null, null, Map.of(), null), file.getFileName()
                + ":1");
        return run.model.findings(rules);
    }

    private List<IscSyntax.Statement> withIncludes(Path file, int[] count) {
        if (++count[0] > MAX_INCLUDES) {
            throw new ConfigException(file + ": more than " + MAX_INCLUDES + " included files");
        }
        List<IscSyntax.Statement> statements = new ArrayList<>();
        for (IscSyntax.Statement statement : IscSyntax.parse(ConfigText.read(file), file)) {
            if (statement.block() == null && statement.tokens().get(0).is("include")) {
                Path included = Path.of(statement.word(1));
                Path parent = file.toAbsolutePath().getParent();
                statements.addAll(withIncludes(included.isAbsolute() || parent == null ? included
                        : parent.resolve(included), count));
            } else {
                statements.add(statement);
            }
        }
        return statements;
    }

    /** @param where the declaration that opens the block, for findings about the block as a whole */
    private void walk(List<IscSyntax.Statement> block, Frame outer, String where) {
        // Definitions and classes first: dhcpd knows them wherever a block uses them.
        for (IscSyntax.Statement statement : block) {
            if (statement.block() == null && statement.tokens().get(0).is("option")) {
                define(statement);
            } else if (statement.block() != null && statement.tokens().get(0).is("class")) {
                classes.put(statement.word(1), IscClasses.classInfo(statement, this::codeOf));
            }
        }
        Frame frame = ownFrame(block, outer);
        Map<Integer, VendorOptions.SubOption> ownSubOptions = new LinkedHashMap<>();
        for (IscSyntax.Statement statement : block) {
            if (statement.block() != null) {
                continue;
            }
            IscSyntax.Token first = statement.tokens().get(0);
            if (first.is("option") && !statement.tokens().stream().anyMatch(t -> t.is("code"))
                    && !statement.word(1).equalsIgnoreCase("space")) {
                option(statement, frame, ownSubOptions);
            } else if (first.is("filename") && statement.tokens().size() > 1) {
                model.option(new OptionValue(67, statement.word(1).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        "filename " + statement.text(1), statement.where()), frame.scope(),
                        new DhcpRules.Context(frame.vendorClass(), frame.bootServer()));
            }
        }
        vendorSpace(block, frame, ownSubOptions);
        boolean serves = false;
        List<Set<Integer>> pools = new ArrayList<>();
        for (IscSyntax.Statement statement : block) {
            if (statement.block() == null) {
                serves |= statement.tokens().get(0).is("range");
                continue;
            }
            Scope scope = IscClasses.scopeOf(statement, classes, this::codeOf);
            if (scope == null) {
                continue;
            }
            Map<Integer, VendorOptions.SubOption> inherited = new LinkedHashMap<>(frame.vendorSubOptions());
            inherited.putAll(ownSubOptions);
            Frame inner = new Frame(frame.scope().within(scope), frame.present(), frame.bootServer(),
                    frame.vendorSpace(), inherited, IscClasses.vendorClassOf(statement, classes));
            walk(statement.block(), inner, statement.where());
            if (statement.tokens().get(0).is("pool")) {
                pools.add(ownCodes(statement.block()));
                serves |= statement.block().stream().anyMatch(s -> s.block() == null
                        && s.tokens().get(0).is("range"));
            }
        }
        if (serves && isSubnet(frame)) {
            Set<Integer> present = new HashSet<>(frame.present());
            if (!pools.isEmpty()) {
                Set<Integer> everyPool = new HashSet<>(pools.get(0));
                pools.forEach(everyPool::retainAll);
                present.addAll(everyPool);
            }
            model.basics(present, frame.scope(), frame.scope().name(), where);
        }
    }

    private static boolean isSubnet(Frame frame) {
        return frame.scope().level() == Scope.Level.SUBNET || frame.scope().level() == Scope.Level.SHARED_NETWORK;
    }

    /** The frame of a block: what it inherits plus what its own statements say. */
    private Frame ownFrame(List<IscSyntax.Statement> block, Frame outer) {
        Set<Integer> present = new HashSet<>(outer.present());
        present.addAll(ownCodes(block));
        String bootServer = outer.bootServer();
        String vendorSpace = outer.vendorSpace();
        for (IscSyntax.Statement statement : block) {
            if (statement.block() != null) {
                continue;
            }
            IscSyntax.Token first = statement.tokens().get(0);
            if (first.is("next-server") || first.is("server-name")) {
                bootServer = statement.word(1);
            } else if (first.is("vendor-option-space")) {
                vendorSpace = statement.word(1);
            }
        }
        return new Frame(outer.scope(), present, bootServer, vendorSpace, outer.vendorSubOptions(),
                outer.vendorClass());
    }

    private Set<Integer> ownCodes(List<IscSyntax.Statement> block) {
        Set<Integer> codes = new HashSet<>();
        for (IscSyntax.Statement statement : block) {
            if (statement.block() == null && statement.tokens().get(0).is("option")
                    && statement.tokens().size() > 2 && statement.tokens().stream().noneMatch(t -> t.is("code"))) {
                Integer code = codeOf(statement.word(1));
                if (code != null) {
                    codes.add(code);
                }
            }
        }
        return codes;
    }

    private void option(IscSyntax.Statement statement, Frame frame,
            Map<Integer, VendorOptions.SubOption> ownSubOptions) {
        String name = statement.word(1).toLowerCase(Locale.ROOT);
        List<String> values = new ArrayList<>();
        for (IscSyntax.Token token : statement.tokens().subList(Math.min(2, statement.tokens().size()),
                statement.tokens().size())) {
            if (!token.text().equals(",") || token.quoted()) {
                values.add(token.text());
            }
        }
        if (values.isEmpty()) {
            throw new ConfigException(statement.where() + ": option " + name + " has no value");
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            String space = name.substring(0, dot);
            if (IscOptionNames.BUILT_IN_SPACES.contains(space)) {
                return;
            }
            Definition sub = spaces.getOrDefault(space, Map.of()).get(name.substring(dot + 1));
            if (sub == null) {
                throw new ConfigException(dhcpdWhere(statement.where()) + ": " + (spaces.containsKey(space)
                        ? "unknown option " + name : "no option space named " + space + ".") + " (define it with "
                        + "'option space " + space + ";' and 'option " + name + " code N = TYPE;')");
            }
            byte[] bytes = OptionEncoding.encode(sub.code(), sub.type(), values);
            if (bytes != null) {
                ownSubOptions.put(sub.code(), new VendorOptions.SubOption(sub.code(), bytes));
            }
            return;
        }
        Definition definition = definition(name, statement.where());
        byte[] bytes = OptionEncoding.encode(definition.code(), definition.type(), values);
        if (bytes != null) {
            model.option(new OptionValue(definition.code(), bytes, statement.text(2), statement.where()),
                    frame.scope(), new DhcpRules.Context(frame.vendorClass(), frame.bootServer()));
        }
    }

    /** Option 43 built from the vendor option space, where a block sets the space or its sub-options. */
    private void vendorSpace(List<IscSyntax.Statement> block, Frame frame,
            Map<Integer, VendorOptions.SubOption> ownSubOptions) {
        boolean declaresSpace = block.stream().anyMatch(s -> s.block() == null
                && s.tokens().get(0).is("vendor-option-space"));
        if (frame.vendorSpace() == null || (!declaresSpace && ownSubOptions.isEmpty())) {
            return;
        }
        Map<String, Definition> space = spaces.getOrDefault(frame.vendorSpace(), Map.of());
        Map<Integer, VendorOptions.SubOption> subOptions = new LinkedHashMap<>(frame.vendorSubOptions());
        subOptions.putAll(ownSubOptions);
        subOptions.keySet().retainAll(space.values().stream().map(Definition::code).toList());
        if (subOptions.isEmpty()) {
            return;
        }
        String where = block.stream().filter(s -> s.block() == null && (s.tokens().get(0).is("vendor-option-space")
                || s.word(1).toLowerCase(Locale.ROOT).startsWith(frame.vendorSpace() + "."))).findFirst()
                .map(IscSyntax.Statement::where).orElse(frame.scope().name());
        StringBuilder raw = new StringBuilder();
        subOptions.values().forEach(sub -> raw.append(raw.length() == 0 ? "" : "; ").append(frame.vendorSpace())
                .append(" sub-option ").append(sub));
        model.option(new OptionValue(43, VendorOptions.encode(List.copyOf(subOptions.values())), raw.toString(),
                where), frame.scope(), new DhcpRules.Context(frame.vendorClass(), frame.bootServer()));
    }

    /** {@code option space NAME;}, {@code option NAME code N = TYPE;}, {@code option SPACE.NAME code N = TYPE;}. */
    private void define(IscSyntax.Statement statement) {
        if (statement.word(1).equalsIgnoreCase("space")) {
            spaces.putIfAbsent(statement.word(2).toLowerCase(Locale.ROOT), new HashMap<>());
            return;
        }
        int codeAt = -1;
        for (int i = 0; i < statement.tokens().size(); i++) {
            if (statement.tokens().get(i).is("code")) {
                codeAt = i;
            }
        }
        if (codeAt != 2) {
            return;
        }
        String name = statement.word(1).toLowerCase(Locale.ROOT);
        int code;
        try {
            code = Integer.parseInt(statement.word(3));
        } catch (NumberFormatException e) {
            throw new ConfigException(statement.where() + ": option " + name + " code '" + statement.word(3)
                    + "' is not a number");
        }
        if (code < 0 || code > 255) {
            throw new ConfigException(statement.where() + ": option " + name + " code " + code + " is not 0-255");
        }
        String type = statement.text(5).toLowerCase(Locale.ROOT);
        OptionEncoding.Type encoding = type.contains("ip-address") ? OptionEncoding.Type.ADDRESSES
                : type.equals("text") || type.equals("string") ? OptionEncoding.Type.TEXT
                : code == 120 ? OptionEncoding.Type.SIP_SERVERS : OptionEncoding.Type.BYTES;
        if (encoding == OptionEncoding.Type.TEXT && type.equals("string")) {
            encoding = OptionEncoding.Type.BYTES;
        }
        int dot = name.indexOf('.');
        if (dot > 0) {
            spaces.computeIfAbsent(name.substring(0, dot), s -> new HashMap<>()).put(name.substring(dot + 1),
                    new Definition(code, encoding));
        } else {
            names.put(name, new Definition(code, encoding));
        }
    }

    private Definition definition(String name, String where) {
        Definition defined = names.get(name);
        if (defined != null) {
            return defined;
        }
        Integer code = IscOptionNames.STANDARD.get(name);
        if (code == null && name.matches("unknown-\\d{1,3}") && Integer.parseInt(name.substring(8)) <= 255) {
            code = Integer.parseInt(name.substring(8));
        }
        if (code == null) {
            throw new ConfigException(dhcpdWhere(where) + ": unknown option dhcp." + name + " (dhcpd 4.4 refuses it; "
                    + "define it with 'option " + name + " code N = TYPE;')");
        }
        return new Definition(code, OptionEncoding.typeOf(code));
    }

    /**
     * {@code dhcpd.conf line 12}, the way dhcpd names the place of an error, from {@code dhcpd.conf:12}:
     * dhcpd 4.4 is the last release, so a name it does not know no dhcpd reads, and the admin sees
     * the words the server prints.
     */
    private static String dhcpdWhere(String where) {
        int colon = where.lastIndexOf(':');
        return colon > 0 && where.substring(colon + 1).matches("\\d+") ? where.substring(0, colon) + " line "
                + where.substring(colon + 1) : where;
    }

    /** The code of an option name, standard or defined; null when unknown. */
    Integer codeOf(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        Definition defined = names.get(lower);
        return defined != null ? Integer.valueOf(defined.code()) : IscOptionNames.STANDARD.get(lower);
    }
}
