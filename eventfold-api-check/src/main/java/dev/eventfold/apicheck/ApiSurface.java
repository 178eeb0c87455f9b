package dev.eventfold.apicheck;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of a directory of compiled classes, as sorted text lines, and the internal types
 * its signatures mention.
 *
 * <p>API: every public top-level type, and every public or protected member type of an API type,
 * whose package has no {@code internal} segment; of each, its public members, and its protected
 * members when it can be subclassed. Public and protected members inherited from a superclass
 * that is not API themselves (package-private, or internal) are listed as the type's own, since
 * callers reach them through it. Every line starts with the type it belongs to, so that a diff of
 * two files reads without context.
 *
 * <p>Classes are loaded without being initialised, so no static initialiser runs; the types their
 * signatures mention must be on the class path of the given loader.
 *
 * @param lines the API file's lines, sorted
 * @param leaks one line per API line that mentions a type of an internal package of the project,
 *     naming that type
 */
public record ApiSurface(List<String> lines, List<String> leaks) {

    public ApiSurface {
        lines = List.copyOf(lines);
        leaks = List.copyOf(leaks);
    }

    /** True when a package name has a segment {@code internal}. */
    public static boolean isInternalPackage(String packageName) {
        return Arrays.asList(packageName.split("\\.")).contains("internal");
    }

    /**
     * Reads the API of the classes under {@code classesDir}.
     *
     * @param loader loads the classes of {@code classesDir} and everything their signatures mention
     * @param projectPackage the project's root package ({@code dev.eventfold}): a type in one of its
     *     internal packages must not appear in an API signature
     */
    public static ApiSurface read(Path classesDir, ClassLoader loader, String projectPackage) {
        List<Entry> entries = new ArrayList<>();
        for (String name : classNames(classesDir)) {
            Class<?> type;
            try {
                type = Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("cannot load " + name + " from " + classesDir + ": " + e, e);
            }
            if (isApi(type)) {
                try {
                    new TypeReader(type, entries).read();
                } catch (TypeNotPresentException | LinkageError | java.lang.reflect.MalformedParameterizedTypeException e) {
                    throw new IllegalStateException("cannot read the signatures of " + name + ": " + e, e);
                }
            }
        }
        entries.sort(Comparator.comparing(Entry::owner).thenComparingInt(Entry::rank).thenComparingInt(Entry::order)
                .thenComparing(Entry::text));
        List<String> lines = new ArrayList<>();
        List<String> leaks = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Entry e : entries) {
            String line = e.line();
            if (!seen.add(line)) {
                continue;
            }
            lines.add(line);
            String leaked = e.mentioned().stream()
                    .filter(c -> isProjectInternal(c, projectPackage))
                    .map(TypeNames::name)
                    .sorted()
                    .collect(Collectors.joining(", "));
            if (!leaked.isEmpty()) {
                leaks.add(line + "   <- mentions " + leaked);
            }
        }
        return new ApiSurface(lines, leaks);
    }

    /** The public top-level types of the directory that have no source file: stale class files. */
    static List<String> topLevelTypesWithoutSource(ApiSurface surface, Path classesDir, List<Path> sourceRoots) {
        List<String> stale = new ArrayList<>();
        for (String name : classNames(classesDir)) {
            if (name.contains("$")) {
                continue;
            }
            String relative = name.replace('.', '/') + ".java";
            boolean listed = surface.lines().stream().anyMatch(l -> l.startsWith(name + ": "));
            if (listed && sourceRoots.stream().noneMatch(root -> Files.isRegularFile(root.resolve(relative)))) {
                stale.add(name);
            }
        }
        return stale;
    }

    private static boolean isProjectInternal(Class<?> c, String projectPackage) {
        String pkg = c.getPackageName();
        return (pkg.equals(projectPackage) || pkg.startsWith(projectPackage + ".")) && isInternalPackage(pkg);
    }

    /** Binary names of the classes under a directory, sorted. */
    static List<String> classNames(Path classesDir) {
        if (!Files.isDirectory(classesDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(classesDir)) {
            return files.filter(Files::isRegularFile)
                    .map(p -> classesDir.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".class") && !p.startsWith("META-INF/"))
                    .filter(p -> !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
                    .map(p -> p.substring(0, p.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static boolean isApi(Class<?> c) {
        if (c.isAnonymousClass() || c.isLocalClass() || c.isSynthetic() || isInternalPackage(c.getPackageName())) {
            return false;
        }
        int m = c.getModifiers();
        Class<?> outer = c.getDeclaringClass();
        if (outer == null) {
            return Modifier.isPublic(m);
        }
        return (Modifier.isPublic(m) || Modifier.isProtected(m)) && isApi(outer);
    }

    /** One line of the file: the type it belongs to, its place within the type, the declaration. */
    private record Entry(String owner, int rank, int order, String text, Set<Class<?>> mentioned) {
        String line() {
            return owner + ": " + text;
        }
    }

    private static final int TYPE = 0;
    private static final int COMPONENT = 1;
    private static final int CONSTANT = 2;
    private static final int FIELD = 3;
    private static final int CONSTRUCTOR = 4;
    private static final int METHOD = 5;

    private static final class TypeReader {
        private final Class<?> type;
        private final String owner;
        private final List<Entry> out;
        private final boolean subclassable;

        TypeReader(Class<?> type, List<Entry> out) {
            this.type = type;
            this.owner = TypeNames.name(type);
            this.out = out;
            this.subclassable = !type.isInterface() && !type.isEnum() && !type.isRecord()
                    && !Modifier.isFinal(type.getModifiers());
        }

        void read() {
            declaration();
            if (type.isRecord()) {
                // Numbered in declaration order: the order is part of the record (canonical constructor,
                // deconstruction), and a set of lines would not show two components trading places.
                RecordComponent[] components = type.getRecordComponents();
                for (int i = 0; i < components.length; i++) {
                    TypeNames t = new TypeNames();
                    add(COMPONENT, i, "record component #" + (i + 1) + " " + t.of(components[i].getGenericType())
                            + " " + components[i].getName(), t);
                }
            }
            Set<String> fieldNames = new HashSet<>();
            Set<String> methodKeys = new HashSet<>();
            for (Class<?> c = type; c != null && (c == type || !isApi(c)) && c != Object.class; c = c.getSuperclass()) {
                for (Field f : c.getDeclaredFields()) {
                    if (!f.isSynthetic() && visible(f.getModifiers()) && fieldNames.add(f.getName())) {
                        field(f);
                    }
                }
                for (Method m : c.getDeclaredMethods()) {
                    if (!m.isSynthetic() && !m.isBridge() && visible(m.getModifiers())
                            && methodKeys.add(m.getName() + Arrays.toString(m.getParameterTypes()))) {
                        method(m);
                    }
                }
            }
            for (Constructor<?> k : type.getDeclaredConstructors()) {
                if (!k.isSynthetic() && visible(k.getModifiers())) {
                    constructor(k);
                }
            }
        }

        private boolean visible(int modifiers) {
            return Modifier.isPublic(modifiers) || (Modifier.isProtected(modifiers) && subclassable);
        }

        private void add(int rank, String text, TypeNames names) {
            add(rank, 0, text, names);
        }

        private void add(int rank, int order, String text, TypeNames names) {
            out.add(new Entry(owner, rank, order, text, names.mentioned));
        }

        private void declaration() {
            TypeNames t = new TypeNames();
            int m = type.getModifiers();
            StringBuilder s = new StringBuilder();
            s.append(Modifier.isPublic(m) ? "public " : "protected ");
            String kind;
            if (type.isAnnotation()) {
                kind = "@interface";
            } else if (type.isInterface()) {
                kind = "interface";
            } else if (type.isEnum()) {
                kind = "enum";
            } else if (type.isRecord()) {
                kind = "record";
            } else {
                kind = "class";
                if (Modifier.isStatic(m) && type.getDeclaringClass() != null) {
                    s.append("static ");
                }
                if (Modifier.isAbstract(m)) {
                    s.append("abstract ");
                }
                if (Modifier.isFinal(m)) {
                    s.append("final ");
                }
            }
            if (!type.isEnum() && !type.isAnnotation()) {
                if (type.isSealed()) {
                    s.append("sealed ");
                } else if (!Modifier.isFinal(m) && !type.isRecord() && hasSealedSupertype()) {
                    s.append("non-sealed ");
                }
            }
            s.append(kind).append(' ').append(type.getSimpleName()).append(t.typeParameters(type.getTypeParameters()));

            List<Type> interfaces = new ArrayList<>(Arrays.asList(type.getGenericInterfaces()));
            Type superclass = type.getGenericSuperclass();
            // Supertypes reached through superclasses that are not API are supertypes of this type too.
            for (Class<?> c = type.getSuperclass(); c != null && !isApi(c) && c != Object.class; c = c.getSuperclass()) {
                interfaces.addAll(Arrays.asList(c.getGenericInterfaces()));
            }
            if (type.isAnnotation()) {
                interfaces.remove(java.lang.annotation.Annotation.class);
            }
            boolean implied = superclass == null || superclass == Object.class || superclass == Record.class
                    || (type.isEnum() && superclass instanceof ParameterizedType p && p.getRawType() == Enum.class);
            if (!implied) {
                s.append(" extends ").append(t.of(superclass));
            }
            if (!interfaces.isEmpty()) {
                s.append(type.isInterface() ? " extends " : " implements ")
                        .append(interfaces.stream().map(t::of).distinct().collect(Collectors.joining(", ")));
            }
            if (type.isSealed() && !type.isEnum()) {
                // (An enum with constant bodies is sealed too, permitting its anonymous classes: not shown.)
                // Not collected as mentions: on the class path (unnamed module) permitted subclasses share the
                // package anyway.
                s.append(" permits ").append(Arrays.stream(type.getPermittedSubclasses())
                        .map(TypeNames::name).sorted().collect(Collectors.joining(", ")));
            }
            add(TYPE, s.toString(), t);
        }

        private boolean hasSealedSupertype() {
            Class<?> sup = type.getSuperclass();
            if (sup != null && sup.isSealed()) {
                return true;
            }
            return Arrays.stream(type.getInterfaces()).anyMatch(Class::isSealed);
        }

        private void field(Field f) {
            TypeNames t = new TypeNames();
            if (f.isEnumConstant()) {
                add(CONSTANT, "enum constant " + f.getName(), t);
                return;
            }
            add(FIELD, modifiers(f.getModifiers(), false) + t.of(f.getGenericType()) + " " + f.getName(), t);
        }

        private void constructor(Constructor<?> k) {
            TypeNames t = new TypeNames();
            String tp = t.typeParameters(k.getTypeParameters());
            add(CONSTRUCTOR, modifiers(k.getModifiers(), false) + (tp.isEmpty() ? "" : tp + " ")
                    + type.getSimpleName() + parameters(k, t) + exceptions(k, t), t);
        }

        private void method(Method m) {
            TypeNames t = new TypeNames();
            String tp = t.typeParameters(m.getTypeParameters());
            add(METHOD, modifiers(m.getModifiers(), m.isDefault()) + (tp.isEmpty() ? "" : tp + " ")
                    + t.of(m.getGenericReturnType()) + " " + m.getName() + parameters(m, t) + exceptions(m, t), t);
        }

        private static String parameters(Executable e, TypeNames t) {
            List<String> params = new ArrayList<>();
            Parameter[] ps = e.getParameters();
            // The constructor of an inner class takes the enclosing instance first; source does not show it.
            // (Not Parameter.isImplicit(): the String of an enum's valueOf is "implicit" too.)
            Class<?> declaring = e.getDeclaringClass();
            boolean outerInstance = e instanceof Constructor<?> && declaring.getDeclaringClass() != null
                    && !Modifier.isStatic(declaring.getModifiers()) && !declaring.isInterface()
                    && !declaring.isEnum() && !declaring.isRecord();
            for (int i = outerInstance ? 1 : 0; i < ps.length; i++) {
                Parameter p = ps[i];
                String s = t.of(p.getParameterizedType());
                if (e.isVarArgs() && i == ps.length - 1 && s.endsWith("[]")) {
                    s = s.substring(0, s.length() - 2) + "...";
                }
                params.add(s);
            }
            return "(" + String.join(", ", params) + ")";
        }

        private static String exceptions(Executable e, TypeNames t) {
            Type[] ex = e.getGenericExceptionTypes();
            if (ex.length == 0) {
                return "";
            }
            return " throws " + Arrays.stream(ex).map(t::of).sorted().collect(Collectors.joining(", "));
        }

        private static String modifiers(int m, boolean isDefault) {
            StringBuilder s = new StringBuilder(Modifier.isPublic(m) ? "public " : "protected ");
            if (isDefault) {
                s.append("default ");
            }
            if (Modifier.isAbstract(m)) {
                s.append("abstract ");
            }
            if (Modifier.isStatic(m)) {
                s.append("static ");
            }
            if (Modifier.isFinal(m)) {
                s.append("final ");
            }
            return s.toString();
        }
    }

    /** Writes types as Java source would (java.lang unqualified), remembering every class it wrote. */
    static final class TypeNames {
        final Set<Class<?>> mentioned = new LinkedHashSet<>();

        static String name(Class<?> c) {
            if (c.isArray()) {
                return name(c.getComponentType()) + "[]";
            }
            if (c.isPrimitive()) {
                return c.getName();
            }
            String n = c.getCanonicalName() != null ? c.getCanonicalName() : c.getName();
            return c.getPackageName().equals("java.lang") ? n.substring("java.lang.".length()) : n;
        }

        String of(Type type) {
            if (type instanceof Class<?> c) {
                Class<?> e = c;
                while (e.isArray()) {
                    e = e.getComponentType();
                }
                if (!e.isPrimitive()) {
                    mentioned.add(e);
                }
                return name(c);
            }
            if (type instanceof ParameterizedType p) {
                Class<?> raw = (Class<?>) p.getRawType();
                mentioned.add(raw);
                String base = p.getOwnerType() instanceof ParameterizedType owner
                        ? of(owner) + "." + raw.getSimpleName()
                        : name(raw);
                return base + Arrays.stream(p.getActualTypeArguments()).map(this::of)
                        .collect(Collectors.joining(", ", "<", ">"));
            }
            if (type instanceof GenericArrayType g) {
                return of(g.getGenericComponentType()) + "[]";
            }
            if (type instanceof WildcardType w) {
                if (w.getLowerBounds().length > 0) {
                    return "? super " + of(w.getLowerBounds()[0]);
                }
                Type[] upper = w.getUpperBounds();
                return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + of(upper[0]);
            }
            if (type instanceof TypeVariable<?> v) {
                return v.getName();
            }
            throw new IllegalArgumentException("unknown kind of type: " + type);
        }

        String typeParameters(TypeVariable<?>[] vars) {
            if (vars.length == 0) {
                return "";
            }
            List<String> out = new ArrayList<>();
            for (TypeVariable<?> v : vars) {
                Type[] bounds = v.getBounds();
                if (bounds.length == 0 || (bounds.length == 1 && bounds[0] == Object.class)) {
                    out.add(v.getName());
                } else {
                    out.add(v.getName() + " extends "
                            + Arrays.stream(bounds).map(this::of).collect(Collectors.joining(" & ")));
                }
            }
            return "<" + String.join(", ", out) + ">";
        }
    }
}
