# Resguardo: textos de las páginas en quechua sureño (runasimi).
#
# Este catálogo solo contiene lo que podemos respaldar. Ningún texto fue
# traducido por una máquina. Cada mensaje que falta aquí se muestra en
# castellano, marcado lang="es" para los lectores de pantalla.
#
# PENDIENTE DE TRADUCTOR CALIFICADO: todos los mensajes de
# locales/es/paginas.ftl. Quien traduzca, que revise en especial las
# variantes (chanka, qullaw) y deje constancia aquí de quién revisó y
# cuándo. Los identificadores deben ser los mismos que en castellano.

# El nombre propio de la lengua, para el selector de lengua.
lengua-propia = Runasimi
